package dev.governor.knowledge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CircuitStateMachineTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  @DisplayName("An error-rate trip cools down to half-open, then closes on a clean probe")
  void errorRateTripCoolsDown() {
    Circuit open =
        Circuit.closed("a").open(Circuit.ERROR_RATE, "too many errors", NOW, NOW.plusSeconds(30));
    assertThat(open.state()).isEqualTo(CircuitState.OPEN);
    assertThat(open.dueAt()).isEqualTo(NOW.plusSeconds(30));

    Circuit probing = open.halfOpen(NOW.plusSeconds(30), NOW.plusSeconds(90));
    assertThat(probing.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(probing.trip()).isEqualTo(Circuit.ERROR_RATE);
    assertThat(probing.reason()).isEqualTo("probing after: too many errors");
    assertThat(probing.dueAt()).isEqualTo(NOW.plusSeconds(90));
    assertThat(probing.close("clean probe", NOW).state()).isEqualTo(CircuitState.CLOSED);
    assertThat(probing.open(Circuit.ERROR_RATE, "probe failed", NOW, NOW).state())
        .isEqualTo(CircuitState.OPEN);
  }

  @Test
  @DisplayName("Budget and operator trips wait for an operator: they carry no cool-down")
  void budgetTripsStayOpen() {
    Circuit open = Circuit.closed("a").open(Circuit.BUDGET, "tokens", NOW, NOW.plusSeconds(30));
    assertThat(open.dueAt()).isNull();
    assertThat(Circuit.coolsDown(Circuit.OPERATOR)).isFalse();
    assertThat(open.close("reset by admin", NOW).state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  @DisplayName("Moves the state machine does not allow throw")
  void illegalMovesThrow() {
    Circuit closed = Circuit.closed("a");
    assertThatThrownBy(() -> closed.halfOpen(NOW, NOW.plusSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLOSED to HALF_OPEN");
    assertThatThrownBy(() -> closed.close("again", NOW)).isInstanceOf(IllegalStateException.class);
    Circuit open = closed.open(Circuit.BUDGET, "cost", NOW, null);
    assertThatThrownBy(() -> open.open(Circuit.BUDGET, "cost", NOW, null))
        .isInstanceOf(IllegalStateException.class);
  }
}
