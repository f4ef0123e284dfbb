package dev.governor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's own logic, without starting anything: it must stay fast for mvn verify. */
class BenchPartsTest {

  @Test
  void flagsOverrideTheDefaultsInEitherSpelling() {
    BenchOptions options =
        BenchOptions.parse(List.of("--connections", "8", "--warmup-seconds=0", "--seconds", "5"));

    assertThat(options.connections()).isEqualTo(8);
    assertThat(options.warmup()).isEqualTo(Duration.ZERO);
    assertThat(options.measured()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.maxRequests()).isEqualTo(BenchOptions.DEFAULTS.maxRequests());
  }

  @Test
  void unknownOrOutOfRangeFlagsAreRefused() {
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--threads", "4")))
        .hasMessageContaining("unknown option --threads");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--connections", "0")))
        .hasMessageContaining("--connections");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--seconds", "ten")))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--seconds")))
        .hasMessageContaining("needs a value");
  }

  @Test
  void everyTenthPlanIsTheOneWithAnUncoveredWrite() {
    PlanBodies bodies = new PlanBodies("t-");

    JsonObject approved = new JsonObject(bodies.body(0));
    JsonObject denied = new JsonObject(bodies.body(PlanBodies.DENIED_EVERY - 1));

    assertThat(approved.getString("idempotencyKey")).isEqualTo("t-0");
    assertThat(approved.getJsonArray("steps")).hasSize(3);
    assertThat(approved.getJsonArray("steps").getJsonObject(2).getString("action"))
        .isEqualTo("git.commit");
    assertThat(denied.getJsonArray("steps").getJsonObject(2).getString("target"))
        .isEqualTo("/etc/apt/sources.list");
    assertThat(PlanBodies.deniedPlan(PlanBodies.DENIED_EVERY - 1)).isTrue();
    assertThat(PlanBodies.deniedPlan(0)).isFalse();
  }

  @Test
  void onlyA200WithAVerdictCountsAsAGoodResponse() {
    assertThat(Outcome.of(200, BareServer.ANSWER)).isEqualTo(new Outcome("APPROVED", null));
    assertThat(Outcome.of(200, Buffer.buffer("{\"planId\":\"p\"}")).error())
        .isEqualTo("HTTP 200 without a verdict");
    assertThat(Outcome.of(200, Buffer.buffer("not json")).error())
        .isEqualTo("HTTP 200 without a JSON object");
    assertThat(
            Outcome.of(
                    503,
                    Buffer.buffer(
                        "{\"error\":{\"code\":\"review_failed\",\"message\":\"plan 42 ...\"}}"))
                .error())
        .isEqualTo("HTTP 503 review_failed");
  }
}
