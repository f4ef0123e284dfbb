package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;

/** {@code scan}: a scanner that scanned nothing, or ran no rules, proves nothing. */
final class ScanVerifier implements EvidenceVerifier {

  @Override
  public String kind() {
    return "scan";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    Long scanned = evidence.counts().itemsScanned();
    if (scanned == null) {
      return EvidenceCheck.failed(kind(), "a scan must state counts.itemsScanned");
    }
    if (scanned <= 0) {
      return EvidenceCheck.failed(
          kind(), "the scan scanned " + scanned + " items: a scan of nothing proves nothing");
    }
    Long rules = evidence.counts().rulesExecuted();
    if (rules != null && rules <= 0) {
      return EvidenceCheck.failed(kind(), "the scan executed " + rules + " rules");
    }
    return EvidenceCheck.passed(
        kind(),
        "scanned " + scanned + " items" + (rules == null ? "" : " with " + rules + " rules"));
  }
}
