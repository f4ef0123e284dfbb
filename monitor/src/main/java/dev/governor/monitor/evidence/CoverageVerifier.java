package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;

/**
 * {@code coverage}: a coverage of zero (or none stated) fails; its reports are read as files are.
 */
final class CoverageVerifier implements EvidenceVerifier {

  @Override
  public String kind() {
    return "coverage";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    Double percent = evidence.counts().coveragePercent();
    if (percent == null) {
      return EvidenceCheck.failed(kind(), "coverage evidence must state counts.coveragePercent");
    }
    if (percent <= 0 || percent > 100) {
      return EvidenceCheck.failed(
          kind(), "a coverage of " + percent + "% is not evidence of tested code");
    }
    for (Evidence.Artifact artifact : evidence.artifacts()) {
      String problem = Artifacts.file(artifact.path(), artifact.sha256(), agent).problem();
      if (problem != null) {
        return EvidenceCheck.failed(kind(), problem);
      }
    }
    return EvidenceCheck.passed(kind(), "coverage " + percent + "%");
  }
}
