package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;

/**
 * The running figures of one agent on one task ({@code taskId} is empty for work outside any task):
 * tokens, cost, tool calls and their failures, the steps planned (the task's action depth), the
 * plans, and the first and last time anything was heard of it.
 */
public record Usage(
    String agentId,
    String taskId,
    long tokensIn,
    long tokensOut,
    double costUsd,
    long toolCalls,
    long toolErrors,
    long steps,
    long plans,
    Instant firstAt,
    Instant lastAt) {

  public Usage {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(taskId, "taskId");
  }

  public static Usage empty(String agentId, String taskId) {
    return new Usage(agentId, taskId, 0, 0, 0, 0, 0, 0, 0, null, null);
  }

  @JsonIgnore
  public long tokens() {
    return tokensIn + tokensOut;
  }

  /** Wall-clock time from the first to the last thing heard of this task. */
  @JsonIgnore
  public long runtimeSeconds() {
    return firstAt == null || lastAt == null
        ? 0
        : lastAt.getEpochSecond() - firstAt.getEpochSecond();
  }

  /** These figures plus an increment; the first and last times widen to cover both. */
  public Usage plus(Usage more) {
    return new Usage(
        agentId,
        taskId,
        tokensIn + more.tokensIn,
        tokensOut + more.tokensOut,
        costUsd + more.costUsd,
        toolCalls + more.toolCalls,
        toolErrors + more.toolErrors,
        steps + more.steps,
        plans + more.plans,
        earliest(firstAt, more.firstAt),
        latest(lastAt, more.lastAt));
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
