package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Effect classes: defaults from the verb, agents' declarations, operators' overrides. */
class ActionCatalogueTest {

  static final String ADMIN = "catalogue-admin";

  // Production agents here show how effects decide; sandbox first is SandboxFirstTest's subject.
  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(ADMIN, java.util.Map.of("sandboxTasksRequired", 0));

  @Test
  @DisplayName("An agent's declared tool effect counts, and an operator's override beats it")
  void declarationsAndOverrides() {
    JsonObject declared = register("deployer", new JsonObject().put("deploy.run", "destructive"));
    JsonObject silent = register("other-deployer", null);

    assertThat(review(declared)).isEqualTo("DENIED");
    assertThat(review(silent)).isEqualTo("APPROVED");
    assertThat(governor.http().get("/api/v1/actions/deploy.run", ADMIN).json().getString("effect"))
        .isEqualTo("write");

    Http.Reply set =
        governor
            .http()
            .put("/api/v1/actions/deploy.run", ADMIN, new JsonObject().put("effect", "read"));
    assertThat(set.status()).as(set.json().encode()).isEqualTo(200);

    assertThat(review(declared)).isEqualTo("APPROVED");
    JsonObject classification = governor.http().get("/api/v1/actions/deploy.run", ADMIN).json();
    assertThat(classification.getString("effect")).isEqualTo("read");
    assertThat(classification.getString("source")).isEqualTo("override");
    assertThat(
            governor
                .http()
                .get("/api/v1/actions", ADMIN)
                .json()
                .getJsonObject("overrides")
                .getString("deploy.run"))
        .isEqualTo("read");
    JsonArray entries =
        governor.http().get("/api/v1/audit?limit=1000", ADMIN).json().getJsonArray("entries");
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("type")))
        .contains("action.effect.set");
  }

  @Test
  @DisplayName("Bad effects and actions are refused and change nothing")
  void badInput() {
    long before = governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
    assertThat(
            governor
                .http()
                .put(
                    "/api/v1/actions/deploy.run", ADMIN, new JsonObject().put("effect", "harmless"))
                .status())
        .isEqualTo(400);
    assertThat(
            governor
                .http()
                .put("/api/v1/actions/rm%20-rf", ADMIN, new JsonObject().put("effect", "read"))
                .status())
        .isEqualTo(400);
    assertThat(
            governor
                .http()
                .post(
                    "/api/v1/agents",
                    ADMIN,
                    ReviewLoopTest.registration("x", "sandbox")
                        .put("tools", new JsonObject().put("deploy.run", "scary")))
                .status())
        .isEqualTo(400);
    assertThat(
            governor
                .http()
                .post(
                    "/api/v1/agents",
                    ADMIN,
                    ReviewLoopTest.registration("x", "sandbox")
                        .put("tools", new JsonObject().put("deploy", "read")))
                .status())
        .isEqualTo(400);
    assertThat(governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries"))
        .isEqualTo(before);
  }

  private JsonObject register(String name, JsonObject tools) {
    JsonObject body =
        ReviewLoopTest.registration(name, "production")
            .put("grants", new JsonArray().add("deploy.*:**"));
    if (tools != null) {
      body.put("tools", tools);
    }
    Http.Reply reply = governor.http().post("/api/v1/agents", ADMIN, body);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  private String review(JsonObject agent) {
    JsonObject plan =
        new JsonObject()
            .put("goal", "deploy")
            .put(
                "steps",
                new JsonArray()
                    .add(ReviewLoopTest.step("s1", "deploy.run", "env:prod", "roll out 1.2.3")));
    return governor
        .http()
        .post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan)
        .json()
        .getString("verdict");
  }
}
