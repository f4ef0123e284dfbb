package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Governor learns who created a resource from approved, reported create steps. */
class ResourceProvenanceTest {

  static final String ADMIN = "provenance-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  @Test
  @DisplayName(
      "A sandbox agent may destroy the environment it created and reported, but not one a person made")
  void ownEnvironmentMayBeDestroyedInSandbox() {
    JsonObject agent = register("sandbox");
    JsonObject created =
        submit(agent, "env.create", "env:scratch-42", "create a scratch environment");
    assertThat(created.getString("verdict")).isEqualTo("APPROVED");
    assertThat(
            submit(agent, "env.delete", "env:scratch-42", "delete the scratch environment")
                .getString("verdict"))
        .as("before the create step is reported, the environment counts as a person's")
        .isEqualTo("ESCALATED");

    Http.Reply report = report(agent, created.getString("planId"), "s1", "succeeded");
    assertThat(report.status()).as(report.json().encode()).isEqualTo(200);
    assertThat(report.json().getJsonObject("created").getString("createdBy"))
        .isEqualTo(agent.getString("id"));

    JsonObject own =
        submit(agent, "env.delete", "env:scratch-42", "delete the scratch environment");
    assertThat(own.getString("verdict")).isEqualTo("APPROVED");
    assertThat(own.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getString("rule")))
        .contains("Destroying what the agent itself created in the sandbox is approved");
    assertThat(
            submit(agent, "env.delete", "env:shared-dev", "delete the dev environment")
                .getString("verdict"))
        .isEqualTo("ESCALATED");
  }

  @Test
  @DisplayName(
      "Another agent's resource still counts as not its own, and in production nothing changes")
  void othersResourcesAndProduction() {
    JsonObject creator = register("sandbox");
    JsonObject other = register("sandbox");
    JsonObject created = submit(creator, "env.create", "env:scratch-7", "create it");
    report(creator, created.getString("planId"), "s1", "succeeded");

    assertThat(submit(other, "env.delete", "env:scratch-7", "delete it").getString("verdict"))
        .isEqualTo("ESCALATED");
  }

  @Test
  @DisplayName("Step reports are refused for unapproved, unknown, foreign or repeated steps")
  void badReports() {
    JsonObject agent = register("sandbox");
    JsonObject other = register("sandbox");
    JsonObject escalated = submit(agent, "env.delete", "env:shared", "delete it");
    JsonObject approved = submit(agent, "env.create", "env:new", "create it");

    assertThat(report(agent, escalated.getString("planId"), "s1", "succeeded").errorCode())
        .isEqualTo("not_approved");
    assertThat(report(agent, approved.getString("planId"), "s9", "succeeded").status())
        .isEqualTo(404);
    assertThat(report(agent, "no-such-plan", "s1", "succeeded").status()).isEqualTo(404);
    assertThat(report(other, approved.getString("planId"), "s1", "succeeded").status())
        .isEqualTo(403);
    assertThat(report(agent, approved.getString("planId"), "s1", "maybe").status()).isEqualTo(400);
    assertThat(report(agent, approved.getString("planId"), "s1", "failed").status()).isEqualTo(200);
    assertThat(submit(agent, "env.delete", "env:new", "delete it").getString("verdict"))
        .as("a failed create step created nothing")
        .isEqualTo("ESCALATED");
    assertThat(report(agent, approved.getString("planId"), "s1", "abandoned").status())
        .as("a failed step may be reported again: here the agent gives it up")
        .isEqualTo(200);
    assertThat(report(agent, approved.getString("planId"), "s1", "succeeded").errorCode())
        .as("an abandoned step stays abandoned")
        .isEqualTo("already_reported");
  }

  private JsonObject register(String environment) {
    return governor
        .http()
        .post(
            "/api/v1/agents",
            ADMIN,
            ReviewLoopTest.registration("infra-bot", environment)
                .put("grants", new JsonArray().add("env.*:**")))
        .json();
  }

  private JsonObject submit(JsonObject agent, String action, String target, String intent) {
    JsonObject plan =
        new JsonObject()
            .put("goal", intent)
            .put("steps", new JsonArray().add(ReviewLoopTest.step("s1", action, target, intent)));
    Http.Reply reply =
        governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  private Http.Reply report(JsonObject agent, String planId, String stepId, String status) {
    return governor
        .http()
        .post(
            "/api/v1/plans/" + planId + "/steps/" + stepId + "/report",
            agent.getString("token"),
            new JsonObject().put("status", status));
  }
}
