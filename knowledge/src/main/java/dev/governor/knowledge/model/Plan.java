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

  /**
   * The hash of what a review judges: task, goal and steps. An approval is bound to it, and an
   * idempotency key to the plan it first named.
   */
  public String contentHash() {
    return dev.governor.knowledge.Secrets.sha256Hex(
        dev.governor.knowledge.Json.canonical(List.of(String.valueOf(taskId), goal, steps)));
  }
}
