package dev.governor.knowledge.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Something operators must hear about that is not a plan to decide: an agent gone silent, a task
 * stalled, or a circuit opened. {@code clearedAt} is set when it no longer holds (the agent spoke
 * again, the circuit closed).
 */
public record Alert(
    String id,
    String agentId,
    String kind,
    String message,
    Instant raisedAt,
    Instant clearedAt,
    long auditSeq) {

  public static final String SILENT = "silent";
  public static final String CIRCUIT_OPEN = "circuit_open";
  public static final String TASK_STALLED = "task_stalled";

  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(kind, "kind");
    raisedAt = raisedAt == null ? null : raisedAt.truncatedTo(ChronoUnit.MILLIS);
    clearedAt = clearedAt == null ? null : clearedAt.truncatedTo(ChronoUnit.MILLIS);
  }
}
