package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;

/** A plugged-in verifier, found through the test class path's service file. */
public final class LintVerifier implements EvidenceVerifier {

  @Override
  public String kind() {
    return "lint";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    Long rules = evidence.counts().rulesExecuted();
    return rules != null && rules > 0
        ? EvidenceCheck.passed(kind(), rules + " lint rules ran")
        : EvidenceCheck.failed(kind(), "no lint rules ran");
  }
}
