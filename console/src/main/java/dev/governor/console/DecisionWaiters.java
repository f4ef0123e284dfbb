package dev.governor.console;

import dev.governor.knowledge.model.Decision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * HTTP requests waiting for a plan's decision: a review waiting for the first decision, a long poll
 * waiting for an escalation to be settled. Confined to one verticle's event loop.
 */
final class DecisionWaiters {

  /** A review that failed, a wait that ran out, or one stopped early on purpose. */
  static final class WaitFailed extends RuntimeException {
    static final String CANCELLED = "cancelled";

    private final boolean timedOut;

    WaitFailed(String message, boolean timedOut) {
      super(message, null, false, false);
      this.timedOut = timedOut;
    }

    boolean timedOut() {
      return timedOut;
    }

    boolean cancelled() {
      return CANCELLED.equals(getMessage());
    }
  }

  private record Waiter(Predicate<Decision> accepts, Promise<Decision> promise, long timer) {}

  private final Vertx vertx;
  private final Map<String, List<Waiter>> byPlan = new HashMap<>();

  DecisionWaiters(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes with the first decision on the plan that {@code accepts}, or fails on timeout. */
  Future<Decision> await(String planId, Predicate<Decision> accepts, long timeoutMillis) {
    Promise<Decision> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, timeoutMillis),
            id -> {
              remove(planId, promise);
              promise.tryFail(new WaitFailed("no decision in time", true));
            });
    byPlan
        .computeIfAbsent(planId, id -> new ArrayList<>(1))
        .add(new Waiter(accepts, promise, timer));
    return promise.future();
  }

  void decided(Decision decision) {
    List<Waiter> waiting = byPlan.get(decision.planId());
    if (waiting == null) {
      return;
    }
    for (Waiter waiter : List.copyOf(waiting)) {
      if (waiter.accepts().test(decision)) {
        waiting.remove(waiter);
        vertx.cancelTimer(waiter.timer());
        waiter.promise().tryComplete(decision);
      }
    }
    if (waiting.isEmpty()) {
      byPlan.remove(decision.planId());
    }
  }

  void failed(String planId, String reason) {
    List<Waiter> waiting = byPlan.remove(planId);
    if (waiting != null) {
      for (Waiter waiter : waiting) {
        vertx.cancelTimer(waiter.timer());
        waiter.promise().tryFail(new WaitFailed(reason, false));
      }
    }
  }

  /** Stops one wait (and only that one) early. */
  void cancel(String planId, Future<Decision> waiting) {
    List<Waiter> waiters = byPlan.get(planId);
    if (waiters == null) {
      return;
    }
    for (Waiter waiter : List.copyOf(waiters)) {
      if (waiter.promise().future() == waiting) {
        vertx.cancelTimer(waiter.timer());
        remove(planId, waiter.promise());
        waiter.promise().tryFail(new WaitFailed(WaitFailed.CANCELLED, false));
      }
    }
  }

  private void remove(String planId, Promise<Decision> promise) {
    List<Waiter> waiting = byPlan.get(planId);
    if (waiting != null) {
      waiting.removeIf(w -> w.promise() == promise);
      if (waiting.isEmpty()) {
        byPlan.remove(planId);
      }
    }
  }
}
