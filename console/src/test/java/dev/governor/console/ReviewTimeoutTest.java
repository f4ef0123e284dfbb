package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A review slower than the review timeout: the agent is told to wait, and where to look. */
class ReviewTimeoutTest {

  static final String ADMIN = "timeout-admin";
  static final Pattern PLAN = Pattern.compile("/api/v1/plans/([0-9a-f-]+)/decision");

  // A zero timeout makes every review too slow, without slowing Governor down.
  @RegisterExtension
  final RunningGovernor governor = new RunningGovernor(ADMIN, Map.of("reviewTimeoutSeconds", 0));

  @Test
  @DisplayName(
      "A review that times out answers 503 naming the plan, whose decision can be read later")
  void timedOutReviewNamesThePlan() {
    JsonObject agent =
        governor
            .http()
            .post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration("slowpoke", "sandbox")
                    .put("grants", new JsonArray().add("fs.write:/tmp/**")))
            .json();

    Http.Reply reply =
        governor
            .http()
            .post(
                ReviewLoopTest.plansOf(agent), agent.getString("token"), ReviewLoopTest.readPlan());

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.errorCode()).isEqualTo("review_timeout");
    Matcher plan = PLAN.matcher(reply.json().getJsonObject("error").getString("message"));
    assertThat(plan.find()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                governor
                        .http()
                        .get(
                            "/api/v1/plans/" + plan.group(1) + "/decision",
                            agent.getString("token"))
                        .status()
                    == 200);
  }
}
