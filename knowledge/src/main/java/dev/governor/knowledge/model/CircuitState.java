package dev.governor.knowledge.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of an agent's circuit breaker and the moves between them:
 *
 * <pre>
 *            trip (budget, error rate, retry storm, operator pause)
 *   CLOSED ─────────────────────────────────────────────▶ OPEN
 *     ▲  ▲                                               │  ▲
 *     │  └──────────── operator reset ───────────────────┘  │
 *     │                                    cool-down ended  │ bad probe,
 *     │ clean probe,                  (not budget/operator) │ probe timed out
 *     │ operator reset                                      ▼  │
 *     └──────────────────────────────────────────────── HALF_OPEN
 * </pre>
 *
 * <p>While OPEN, every plan of the agent is denied. HALF_OPEN lets the agent run to probe; its next
 * tool calls decide.
 */
public enum CircuitState {
  CLOSED,
  OPEN,
  HALF_OPEN;

  public Set<CircuitState> next() {
    return switch (this) {
      case CLOSED -> EnumSet.of(OPEN);
      case OPEN -> EnumSet.of(HALF_OPEN, CLOSED);
      case HALF_OPEN -> EnumSet.of(OPEN, CLOSED);
    };
  }

  public boolean canMoveTo(CircuitState target) {
    return next().contains(target);
  }
}
