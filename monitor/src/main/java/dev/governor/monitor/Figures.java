package dev.governor.monitor;

import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.TelemetryEvent;
import dev.governor.knowledge.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One agent's running figures as Monitor keeps them: usage per task, the tool-call error window,
 * when it was last heard from, and whether it is marked silent. Confined to Monitor's event loop.
 */
final class Figures {

  private final String agentId;
  private final Map<String, Usage> tasks = new HashMap<>();
  private final ErrorWindow errors;
  Instant lastHeard;
  boolean silent;

  /** The agent sends heartbeats, so the watchdog watches it. */
  boolean watched;

  Figures(String agentId, Duration errorWindow) {
    this.agentId = agentId;
    this.errors = new ErrorWindow(errorWindow);
  }

  /** What a batch adds, per task (the empty task for events without one). */
  static Collection<Usage> increments(String agentId, List<TelemetryEvent> events, Instant at) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Double> costs = new HashMap<>();
    for (TelemetryEvent event : events) {
      String task = event.taskId() == null ? "" : event.taskId();
      long[] c = counts.computeIfAbsent(task, t -> new long[4]);
      c[0] += event.tokensIn() == null ? 0 : event.tokensIn();
      c[1] += event.tokensOut() == null ? 0 : event.tokensOut();
      if (event.isToolCall()) {
        c[2]++;
        if (event.failed()) {
          c[3]++;
        }
      }
      if (event.costUsd() != null) {
        costs.merge(task, event.costUsd(), Double::sum);
      }
    }
    List<Usage> increments = new ArrayList<>(counts.size());
    counts.forEach(
        (task, c) ->
            increments.add(
                new Usage(
                    agentId,
                    task,
                    c[0],
                    c[1],
                    costs.getOrDefault(task, 0.0),
                    c[2],
                    c[3],
                    0,
                    0,
                    at,
                    at)));
    return increments;
  }

  static Usage planned(String agentId, String taskId, int steps, Instant at) {
    return new Usage(agentId, taskId == null ? "" : taskId, 0, 0, 0, 0, 0, steps, 1, at, at);
  }

  void add(Usage more) {
    tasks.merge(more.taskId(), more, Usage::plus);
  }

  void countCalls(Instant at, long calls, long failed) {
    errors.add(at, calls, failed);
  }

  void forgetErrors() {
    errors.clear();
  }

  Usage task(String taskId) {
    return tasks.getOrDefault(taskId == null ? "" : taskId, Usage.empty(agentId, ""));
  }

  Collection<Usage> tasks() {
    return tasks.values();
  }

  Usage total() {
    Usage total = Usage.empty(agentId, "");
    for (Usage usage : tasks.values()) {
      total = total.plus(usage);
    }
    return total;
  }

  /** Budgets the agent's totals, or the given tasks, have passed; each as a sentence. */
  List<String> crossedBudgets(Budgets budgets, Collection<String> touchedTasks) {
    List<String> crossed = new ArrayList<>();
    Usage total = total();
    if (budgets.maxTokens() != null && total.tokens() > budgets.maxTokens()) {
      crossed.add(
          "token budget crossed: "
              + total.tokens()
              + " tokens used, budget "
              + budgets.maxTokens());
    }
    if (budgets.maxCostUsd() != null && total.costUsd() > budgets.maxCostUsd()) {
      crossed.add(
          String.format(
              java.util.Locale.ROOT,
              "cost budget crossed: $%.4f spent, budget $%.4f",
              total.costUsd(),
              budgets.maxCostUsd()));
    }
    for (String taskId : touchedTasks) {
      Usage task = task(taskId);
      String name = taskId.isEmpty() ? "work outside any task" : "task " + taskId;
      if (budgets.maxRuntimeSeconds() != null
          && task.runtimeSeconds() > budgets.maxRuntimeSeconds()) {
        crossed.add(
            "runtime budget crossed: "
                + name
                + " has run "
                + task.runtimeSeconds()
                + " s, budget "
                + budgets.maxRuntimeSeconds()
                + " s");
      }
      if (budgets.maxActionDepth() != null && task.steps() > budgets.maxActionDepth()) {
        crossed.add(
            "action depth crossed: "
                + name
                + " has "
                + task.steps()
                + " steps, budget "
                + budgets.maxActionDepth());
      }
    }
    return crossed;
  }

  /** The error rate over the window, if at least {@code minCalls} calls were made and it passes. */
  String errorRateCrossed(Instant now, long minCalls, double threshold) {
    long calls = errors.calls(now);
    long failed = errors.errors(now);
    if (calls < Math.max(1, minCalls) || (double) failed / calls < threshold) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT,
        "tool error rate %.0f%% (%d of %d calls failed) is at or over %.0f%%",
        100.0 * failed / calls,
        failed,
        calls,
        100.0 * threshold);
  }
}
