package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The telemetry queue is bounded: what does not fit is refused with 429, and not recorded. */
class TelemetryQueueTest {

  static final String ADMIN = "test-admin-token";

  @RegisterExtension
  final RunningGovernor governor = new RunningGovernor(ADMIN, Map.of("telemetryQueueEvents", 5L));

  @Test
  @DisplayName("A batch the telemetry queue cannot hold gets 429 busy; reviews go on")
  void fullQueueAnswers429() {
    Http.Reply registered =
        governor
            .http()
            .post("/api/v1/agents", ADMIN, ReviewLoopTest.registration("flood", "sandbox"));
    JsonObject agent = registered.json();
    String path = CircuitTest.agentPath(agent) + "/telemetry";

    Http.Reply refused = governor.http().post(path, agent.getString("token"), batch(6));
    Http.Reply accepted = governor.http().post(path, agent.getString("token"), batch(5));

    assertThat(refused.status()).as(refused.json().encode()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("busy");
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .contains("telemetry queue is full");
    assertThat(accepted.status()).as(accepted.json().encode()).isEqualTo(200);
    JsonObject usage = governor.http().get(CircuitTest.agentPath(agent) + "/usage", ADMIN).json();
    assertThat(usage.getJsonObject("total").getLong("tokensIn")).isEqualTo(5L);
    assertThat(
            governor
                .http()
                .post(
                    ReviewLoopTest.plansOf(agent),
                    agent.getString("token"),
                    ReviewLoopTest.readPlan())
                .json()
                .getString("verdict"))
        .isEqualTo("APPROVED");
    assertThat(governor.http().get("/metrics", null).json().getString("text"))
        .contains("governor_telemetry_rejected_total 6.0");
  }

  private static JsonObject batch(int events) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < events; i++) {
      list.add(new JsonObject().put("kind", "tokens").put("tokensIn", 1).put("tokensOut", 0));
    }
    return new JsonObject().put("events", list);
  }
}
