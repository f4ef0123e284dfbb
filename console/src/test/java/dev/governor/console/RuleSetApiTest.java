package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.rules.DefaultLibrary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authoring rules over the API, against a running Governor. */
class RuleSetApiTest {

  static final String ADMIN = "rules-admin-token";

  /** The example rule of the README, so that the README's example is known to work. */
  static final String SECRETS_RULE =
      """
      package governor.policy.secrets

      import dev.governor.rules.model.Agent
      import dev.governor.rules.model.Step
      import dev.governor.rules.model.Finding

      rule "Reading secrets in production needs a person"
      when
          Agent( environment == "production" )
          $step : Step( effect == "read", target matches "secret:.*" )
      then
          insert( Finding.escalate( drools.getRule().getName(), $step, "reads a secret in production" ) );
      end
      """;

  static final String BROKEN_RULE =
      """
      package governor.policy.broken

      import dev.governor.rules.model.Step

      rule "Broken"
      when
          $step : Step( effect == )
      then
      end
      """;

  @TempDir Path dataDir;
  Governor governor;
  Http http;

  @BeforeEach
  void start() throws Exception {
    governor =
        Governor.start(
            Settings.load(Map.of())
                .with("dataDir", dataDir.toString())
                .with("httpPort", 0)
                .with("adminToken", ADMIN),
            Clock.systemUTC());
    http = new Http(governor.port());
  }

  @AfterEach
  void stop() {
    governor.close();
  }

  @Test
  @DisplayName("A broken rule is refused with its file and line, the attempt is audited, and reviews go on")
  void brokenRuleRefused() {
    JsonObject files = new JsonObject().put("broken.drl", BROKEN_RULE);
    long entriesBefore = entries();

    Http.Reply validation = http.post("/api/v1/rulesets/validate", ADMIN, new JsonObject().put("files", files));
    assertThat(validation.status()).isEqualTo(200);
    assertThat(validation.json().getBoolean("ok")).isFalse();
    JsonObject error = validation.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("file")).isEqualTo("broken.drl");
    assertThat(error.getInteger("line")).isEqualTo(7);
    assertThat(entries()).as("validation changes nothing").isEqualTo(entriesBefore);

    Http.Reply created = http.post("/api/v1/rulesets", ADMIN, new JsonObject().put("files", files));
    assertThat(created.status()).isEqualTo(422);
    assertThat(created.json().getJsonArray("errors")).isNotEmpty();
    JsonArray audit = http.get("/api/v1/audit?after=" + entriesBefore, ADMIN).json().getJsonArray("entries");
    assertThat(audit.getJsonObject(0).getString("type")).isEqualTo("ruleset.rejected");
    assertThat(http.get("/api/v1/rulesets", ADMIN).json().getInteger("active")).isEqualTo(1);
  }

  @Test
  @DisplayName("A new version is created, activated without a restart, and an earlier one re-activated")
  void createActivateReactivate() {
    JsonObject agent = agentIn("production");
    JsonObject files = new JsonObject(new java.util.HashMap<String, Object>(DefaultLibrary.files())).put("secrets.drl", SECRETS_RULE);
    Http.Reply created =
        http.post("/api/v1/rulesets", ADMIN, new JsonObject().put("files", files).put("comment", "secrets need a person"));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    int version = created.json().getInteger("version");
    assertThat(version).isEqualTo(2);
    assertThat(review(agent).getString("verdict")).as("still version 1").isEqualTo("APPROVED");

    Http.Reply activated = http.post("/api/v1/rulesets/" + version + "/activate", ADMIN, "");
    assertThat(activated.status()).as(activated.json().encode()).isEqualTo(200);
    for (int i = 0; i < 30; i++) {
      JsonObject decision = review(agent);
      assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
      assertThat(decision.getInteger("ruleSetVersion")).isEqualTo(version);
    }

    assertThat(http.post("/api/v1/rulesets/1/activate", ADMIN, "").status()).isEqualTo(200);
    assertThat(review(agent).getString("verdict")).isEqualTo("APPROVED");
    assertThat(http.get("/api/v1/rulesets", ADMIN).json().getInteger("active")).isEqualTo(1);
    assertThat(http.post("/api/v1/rulesets/99/activate", ADMIN, "").status()).isEqualTo(404);
    assertThat(http.get("/api/v1/audit/verify", ADMIN).json().getBoolean("ok")).isTrue();
  }

  @Test
  @DisplayName("Only authors may create or activate rule sets")
  void authorsOnly() {
    JsonObject agent = agentIn("sandbox");
    JsonObject body = new JsonObject().put("files", new JsonObject().put("secrets.drl", SECRETS_RULE));
    assertThat(http.post("/api/v1/rulesets", agent.getString("token"), body).status()).isEqualTo(403);
    assertThat(http.post("/api/v1/rulesets/1/activate", agent.getString("token"), "").status()).isEqualTo(403);
  }

  private JsonObject agentIn(String environment) {
    return http.post(
            "/api/v1/agents", ADMIN,
            ReviewLoopTest.registration("vault-reader", environment))
        .json();
  }

  private JsonObject review(JsonObject agent) {
    JsonObject plan =
        new JsonObject()
            .put("goal", "read the database password")
            .put("steps", new JsonArray().add(ReviewLoopTest.step("s1", "vault.read", "secret:db-password", "read it")));
    Http.Reply reply = http.post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  private long entries() {
    return http.get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }
}
