package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an agent reports of one approved step it carried out, with its evidence envelopes, what the
 * verifiers found, and the state the step is in as a result: a succeeded step is {@code COMPLETED}
 * only with evidence that passed every check.
 */
public record StepReport(
    String planId,
    String stepId,
    String agentId,
    StepStatus status,
    Map<String, Object> result,
    Instant reportedAt,
    String idempotencyKey,
    List<Evidence> evidence,
    List<EvidenceCheck> checks,
    StepState state) {

  /** How the step went, in the agent's words. */
  public enum StepStatus {
    SUCCEEDED,
    FAILED,
    /** The agent gave the step up: a path not taken. */
    ABANDONED
  }

  public StepReport {
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(status, "status");
    result = result == null ? Map.of() : result;
    reportedAt =
        Objects.requireNonNull(reportedAt, "reportedAt")
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
    checks = checks == null ? List.of() : List.copyOf(checks);
    Objects.requireNonNull(state, "state");
  }
}
