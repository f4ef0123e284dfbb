package dev.governor.monitor;

import dev.governor.knowledge.model.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts how often each agent sends the same plan idempotency key or the same step (its task, id,
 * action, target and parameters) within a window, and names what came more than {@code limit}
 * times. Confined to one event loop; forgets keys not seen for a window, and holds at most {@code
 * maxKeys} keys.
 */
final class RetryStorms {

  private final int limit;
  private final Duration window;
  private final int maxKeys;
  private final LinkedHashMap<String, Deque<Instant>> seen;

  RetryStorms(int limit, Duration window, int maxKeys) {
    this.limit = limit;
    this.window = window;
    this.maxKeys = maxKeys;
    this.seen =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > RetryStorms.this.maxKeys;
          }
        };
  }

  boolean enabled() {
    return limit > 0;
  }

  /** Counts this submission; returns what it repeated more than the limit allows, if anything. */
  List<String> count(
      String agentId, String idempotencyKey, String taskId, List<Step> steps, Instant now) {
    if (!enabled()) {
      return List.of();
    }
    List<String> storms = new ArrayList<>();
    if (idempotencyKey != null) {
      note(
          agentId + "|key|" + idempotencyKey,
          "idempotency key \"" + idempotencyKey + "\"",
          now,
          storms);
    }
    for (Step step : steps) {
      String fingerprint =
          String.join(
              "|",
              String.valueOf(taskId),
              step.id(),
              step.action(),
              step.target(),
              String.valueOf(step.params()));
      note(
          agentId + "|step|" + fingerprint,
          "step " + step.id() + " (" + step.action() + " on " + step.target() + ")",
          now,
          storms);
    }
    return storms;
  }

  private void note(String key, String what, Instant now, List<String> storms) {
    Deque<Instant> times = seen.computeIfAbsent(key, k -> new ArrayDeque<>());
    Instant oldest = now.minus(window);
    while (!times.isEmpty() && times.peekFirst().isBefore(oldest)) {
      times.pollFirst();
    }
    times.addLast(now);
    if (times.size() > limit) {
      storms.add(
          what + " was sent " + times.size() + " times in " + window.toSeconds() + " seconds");
      times.clear();
    }
  }
}
