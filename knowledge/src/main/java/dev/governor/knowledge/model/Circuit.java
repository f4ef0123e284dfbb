package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An agent's circuit breaker: its state, what tripped it ({@code trip}: {@link #BUDGET}, {@link
 * #ERROR_RATE}, {@link #RETRY_STORM} or {@link #OPERATOR}) and why, when it last changed, and
 * {@code dueAt}: when an OPEN circuit goes HALF_OPEN (null: only an operator closes it) or when a
 * HALF_OPEN circuit's probe times out. Moves follow {@link CircuitState}; anything else throws.
 */
public record Circuit(
    String agentId,
    CircuitState state,
    String trip,
    String reason,
    Instant changedAt,
    Instant dueAt) {

  public static final String BUDGET = "budget";
  public static final String ERROR_RATE = "error_rate";
  public static final String RETRY_STORM = "retry_storm";
  public static final String OPERATOR = "operator";

  public Circuit {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(state, "state");
    changedAt = changedAt == null ? null : changedAt.truncatedTo(ChronoUnit.MILLIS);
    dueAt = dueAt == null ? null : dueAt.truncatedTo(ChronoUnit.MILLIS);
  }

  public static Circuit closed(String agentId) {
    return new Circuit(agentId, CircuitState.CLOSED, null, null, null, null);
  }

  /** Budget and operator trips stay open until an operator resets them. */
  public static boolean coolsDown(String trip) {
    return ERROR_RATE.equals(trip) || RETRY_STORM.equals(trip);
  }

  public Circuit open(String trip, String reason, Instant now, Instant halfOpenAt) {
    return move(CircuitState.OPEN, trip, reason, now, coolsDown(trip) ? halfOpenAt : null);
  }

  public Circuit halfOpen(Instant now, Instant probeDeadline) {
    return move(
        CircuitState.HALF_OPEN,
        trip,
        "probing after: " + originalReason(),
        now,
        Objects.requireNonNull(probeDeadline, "probeDeadline"));
  }

  public Circuit close(String why, Instant now) {
    return move(CircuitState.CLOSED, null, why, now, null);
  }

  @JsonIgnore
  public boolean isOpen() {
    return state == CircuitState.OPEN;
  }

  private String originalReason() {
    String prefix = "probing after: ";
    return reason != null && reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
  }

  private Circuit move(
      CircuitState target, String trip, String reason, Instant now, Instant dueAt) {
    if (!state.canMoveTo(target)) {
      throw new IllegalStateException(
          "circuit of agent " + agentId + " cannot move from " + state + " to " + target);
    }
    return new Circuit(agentId, target, trip, reason, now, dueAt);
  }
}
