package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** What an agent reports of one approved step it carried out. */
public record StepReport(
    String planId,
    String stepId,
    String agentId,
    StepStatus status,
    Map<String, Object> result,
    Instant reportedAt) {

  /** How the step went, in the agent's words. */
  public enum StepStatus {
    SUCCEEDED,
    FAILED
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
  }
}
