package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;

/**
 * {@code file}: every artifact is a file under the agent's grants that exists and has the stated
 * SHA-256.
 */
final class FileVerifier implements EvidenceVerifier {

  @Override
  public String kind() {
    return "file";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    if (evidence.artifacts().isEmpty()) {
      return EvidenceCheck.failed(kind(), "file evidence names no artifact (path and sha256)");
    }
    for (Evidence.Artifact artifact : evidence.artifacts()) {
      if (artifact.sha256() == null) {
        return EvidenceCheck.failed(kind(), "artifact " + artifact.path() + " states no sha256");
      }
      String problem = Artifacts.file(artifact.path(), artifact.sha256(), agent).problem();
      if (problem != null) {
        return EvidenceCheck.failed(kind(), problem);
      }
    }
    return EvidenceCheck.passed(
        kind(), evidence.artifacts().size() + " file(s) exist with the stated SHA-256");
  }
}
