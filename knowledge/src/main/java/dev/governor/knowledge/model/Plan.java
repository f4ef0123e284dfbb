package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A plan an agent sent for review before acting. */
public record Plan(
    String id,
    String agentId,
    String idempotencyKey,
    String taskId,
    String goal,
    List<Step> steps,
    Instant receivedAt) {

  public Plan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agentId, "agentId");
    goal = goal == null ? "" : goal;
    steps = List.copyOf(steps);
    Objects.requireNonNull(receivedAt, "receivedAt");
  }
}
