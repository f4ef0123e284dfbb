package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A unit of work an agent opened: its goal, the resources it may touch ({@code scope}, resource
 * patterns as in grants), its classification, and the phase path that classification selected, with
 * each phase's exit condition. The path is copied into the task when it opens, so a change of
 * configuration never moves the gates of a task under way.
 */
public record Task(
    String id,
    String agentId,
    String idempotencyKey,
    String goal,
    List<String> scope,
    String classification,
    List<String> phases,
    Map<String, PhaseExit> exits,
    String phase,
    Instant openedAt,
    Instant updatedAt) {

  public Task {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(agentId, "agentId");
    goal = goal == null ? "" : goal;
    scope = List.copyOf(scope);
    phases = List.copyOf(phases);
    exits = Map.copyOf(exits);
    Objects.requireNonNull(phase, "phase");
  }

  /** The phase after the current one, or null at the end of the path. */
  public String nextPhase() {
    int at = phases.indexOf(phase);
    return at < 0 || at + 1 >= phases.size() ? null : phases.get(at + 1);
  }

  public boolean isDone() {
    return nextPhase() == null;
  }

  public Task inPhase(String next, Instant at) {
    return new Task(
        id,
        agentId,
        idempotencyKey,
        goal,
        scope,
        classification,
        phases,
        exits,
        next,
        openedAt,
        at);
  }
}
