package dev.governor.knowledge.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** A plan that waits for a person. Unanswered by its deadline, it is denied (fail closed). */
public record Escalation(
    String id,
    String planId,
    String agentId,
    EscalationStatus status,
    Severity severity,
    Instant createdAt,
    Instant deadline,
    Instant resolvedAt,
    String resolvedBy,
    String reason) {

  public Escalation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    // Stored to the millisecond; an escalation announced must equal the one read back.
    createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(ChronoUnit.MILLIS);
    deadline = Objects.requireNonNull(deadline, "deadline").truncatedTo(ChronoUnit.MILLIS);
    resolvedAt = resolvedAt == null ? null : resolvedAt.truncatedTo(ChronoUnit.MILLIS);
  }

  public Escalation resolved(EscalationStatus outcome, String by, String why, Instant at) {
    return new Escalation(id, planId, agentId, outcome, severity, createdAt, deadline, at, by, why);
  }
}
