package dev.governor.console;

import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An approval is bound to the hash of the content it approved, and expires. */
class ApprovalBindingTest {

  static final String ADMIN = "approval-admin";

  @RegisterExtension
  final RunningGovernor governor = new RunningGovernor(ADMIN, Map.of("approvalTtlSeconds", 3L));

  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @Test
  @DisplayName(
      "An approval replayed for a changed plan is refused, under its key and at the effector; an"
          + " approval expires")
  void approvalIsBoundToContent() {
    JsonObject agent = fixture.agent("deployer", "deploy.*:svc:**");
    JsonObject approvedPlan =
        plan(null, step("s1", "deploy.rollout", "svc:payments")).put("idempotencyKey", "rollout-7");
    JsonObject decision = fixture.decided(agent, approvedPlan);
    assertThat(decision.getString("verdict")).isEqualTo("APPROVED");
    String check = "/api/v1/plans/" + decision.getString("planId") + "/approval";
    JsonObject changedPlan =
        plan(null, step("s1", "deploy.rollout", "svc:billing")).put("idempotencyKey", "rollout-7");

    Http.Reply same = fixture.http().post(check, agent.getString("token"), approvedPlan);
    Http.Reply changed = fixture.http().post(check, agent.getString("token"), changedPlan);
    Http.Reply resubmitted = fixture.submit(agent, changedPlan);

    assertThat(same.status()).as(same.json().encode()).isEqualTo(200);
    assertThat(same.json().getBoolean("approved")).isTrue();
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.errorCode()).isEqualTo("approval_mismatch");
    assertThat(changed.json().getJsonObject("error").getString("message"))
        .contains("a changed plan needs a new review");
    assertThat(resubmitted.status()).isEqualTo(409);
    assertThat(resubmitted.errorCode()).isEqualTo("idempotency_conflict");

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Http.Reply late = fixture.http().post(check, agent.getString("token"), approvedPlan);
              assertThat(late.status()).isEqualTo(409);
              assertThat(late.errorCode()).isEqualTo("approval_expired");
            });
    JsonObject escalated = fixture.decided(agent, plan(null, step("s1", "db.drop", "db:users")));
    Http.Reply escalatedCheck =
        fixture
            .http()
            .post(
                "/api/v1/plans/" + escalated.getString("planId") + "/approval",
                agent.getString("token"),
                plan(null, step("s1", "db.drop", "db:users")));
    assertThat(escalatedCheck.errorCode()).isEqualTo("not_approved");
  }
}
