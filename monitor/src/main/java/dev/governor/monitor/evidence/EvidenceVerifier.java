package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;

/**
 * Checks one kind of evidence envelope, on this machine. Governor finds verifiers for other kinds
 * with {@link java.util.ServiceLoader}: put an implementation on the class path and name it in
 * {@code META-INF/services/dev.governor.monitor.evidence.EvidenceVerifier}.
 *
 * <p>A verifier may block (read files, run a process) and must be safe to call from several threads
 * at once. Evidence that does not hold is a failed check, not an exception.
 */
public interface EvidenceVerifier {

  /** The envelope kind it checks, such as {@code test-report}. */
  String kind();

  /** What holds of the envelope sent by {@code agent}. */
  EvidenceCheck verify(Evidence evidence, Agent agent);
}
