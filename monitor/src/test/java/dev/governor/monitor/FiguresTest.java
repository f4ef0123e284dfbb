package dev.governor.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.TelemetryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FiguresTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  @DisplayName("Budgets are checked on the agent's totals and on the tasks a batch touched")
  void budgets() {
    Figures figures = new Figures("a", Duration.ofSeconds(60));
    Figures.increments("a", List.of(tokens("t1", 600), tokens("t2", 500)), NOW)
        .forEach(figures::add);
    figures.add(Figures.planned("a", "t1", 4, NOW.plusSeconds(100)));

    List<String> crossed =
        figures.crossedBudgets(new Budgets(1000L, null, 60L, null, 3), List.of("t1"));

    assertThat(crossed)
        .containsExactly(
            "token budget crossed: 1100 tokens used, budget 1000",
            "runtime budget crossed: task t1 has run 100 s, budget 60 s",
            "action depth crossed: task t1 has 4 steps, budget 3");
    assertThat(figures.crossedBudgets(Budgets.NONE, List.of("t1", "t2"))).isEmpty();
  }

  @Test
  @DisplayName("The error rate counts only the calls inside the sliding window")
  void errorWindowSlides() {
    Figures figures = new Figures("a", Duration.ofSeconds(10));
    figures.countCalls(NOW, 4, 4);
    figures.countCalls(NOW.plusSeconds(11), 4, 1);

    assertThat(figures.errorRateCrossed(NOW.plusSeconds(11), 4, 0.5)).isNull();
    assertThat(figures.errorRateCrossed(NOW.plusSeconds(5), 4, 0.5))
        .contains("4 of 4 calls failed");
    assertThat(figures.errorRateCrossed(NOW.plusSeconds(5), 5, 0.5))
        .as("too few calls to judge")
        .isNull();
  }

  @Test
  @DisplayName("A retry storm is the same step or key more than N times within the window")
  void retryStorms() {
    RetryStorms storms = new RetryStorms(2, Duration.ofSeconds(10), 100);
    Step step = new Step("s1", "fs.read", "/a", "read", List.of("user"), List.of(), Map.of());

    assertThat(storms.count("a", "k", null, List.of(step), NOW)).isEmpty();
    assertThat(storms.count("a", "k", null, List.of(step), NOW.plusSeconds(1))).isEmpty();
    assertThat(storms.count("b", "k", null, List.of(step), NOW.plusSeconds(1)))
        .as("another agent")
        .isEmpty();
    assertThat(storms.count("a", "k", null, List.of(step), NOW.plusSeconds(2)))
        .containsExactly(
            "idempotency key \"k\" was sent 3 times in 10 seconds",
            "step s1 (fs.read on /a) was sent 3 times in 10 seconds");
    assertThat(storms.count("a", "other", null, List.of(step), NOW.plusSeconds(30))).isEmpty();
  }

  private static TelemetryEvent tokens(String task, long in) {
    return new TelemetryEvent(
        TelemetryEvent.TOKENS, task, null, null, null, in, 0L, "m", null, null);
  }
}
