package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.rules.DefaultLibrary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  @Test
  @DisplayName(
      "A broken rule is refused with its file and line, the attempt is audited, and reviews go on")
  void brokenRuleRefused() {
    JsonObject files = new JsonObject().put("broken.drl", BROKEN_RULE);
    long entriesBefore = entries();

    Http.Reply validation =
        governor
            .http()
            .post("/api/v1/rulesets/validate", ADMIN, new JsonObject().put("files", files));
    assertThat(validation.status()).isEqualTo(200);
    assertThat(validation.json().getBoolean("ok")).isFalse();
    JsonObject error = validation.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("file")).isEqualTo("broken.drl");
    assertThat(error.getInteger("line")).isEqualTo(7);
    assertThat(entries()).as("validation changes nothing").isEqualTo(entriesBefore);

    Http.Reply created =
        governor.http().post("/api/v1/rulesets", ADMIN, new JsonObject().put("files", files));
    assertThat(created.status()).isEqualTo(422);
    assertThat(created.json().getJsonArray("errors")).isNotEmpty();
    JsonArray audit =
        governor
            .http()
            .get("/api/v1/audit?after=" + entriesBefore, ADMIN)
            .json()
            .getJsonArray("entries");
    assertThat(audit.getJsonObject(0).getString("type")).isEqualTo("ruleset.rejected");
    assertThat(governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName(
      "A new version is created, activated without a restart, and an earlier one re-activated")
  void createActivateReactivate() {
    JsonObject agent = agentIn("production");
    JsonObject files =
        new JsonObject(new java.util.HashMap<String, Object>(DefaultLibrary.files()))
            .put("secrets.drl", SECRETS_RULE);
    Http.Reply created =
        governor
            .http()
            .post(
                "/api/v1/rulesets",
                ADMIN,
                new JsonObject().put("files", files).put("comment", "secrets need a person"));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    int version = created.json().getInteger("version");
    assertThat(version).isEqualTo(2);
    JsonArray versions =
        governor.http().get("/api/v1/rulesets", ADMIN).json().getJsonArray("versions");
    assertThat(versions.getJsonObject(0).getString("createdBy"))
        .as("the author of version 2, from the audit log")
        .contains("admin");
    assertThat(versions.getJsonObject(1).getString("createdBy")).isEqualTo("governor");
    assertThat(review(agent).getString("verdict")).as("still version 1").isEqualTo("APPROVED");

    Http.Reply activated =
        governor.http().post("/api/v1/rulesets/" + version + "/activate", ADMIN, "");
    assertThat(activated.status()).as(activated.json().encode()).isEqualTo(200);
    for (int i = 0; i < 30; i++) {
      JsonObject decision = review(agent);
      assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
      assertThat(decision.getInteger("ruleSetVersion")).isEqualTo(version);
    }

    assertThat(governor.http().post("/api/v1/rulesets/1/activate", ADMIN, "").status())
        .isEqualTo(200);
    assertThat(review(agent).getString("verdict")).isEqualTo("APPROVED");
    assertThat(governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active"))
        .isEqualTo(1);
    assertThat(governor.http().post("/api/v1/rulesets/99/activate", ADMIN, "").status())
        .isEqualTo(404);
    assertThat(governor.http().get("/api/v1/audit/verify", ADMIN).json().getBoolean("ok")).isTrue();
  }

  @Test
  @DisplayName("Only authors may create or activate rule sets")
  void authorsOnly() {
    JsonObject agent = agentIn("sandbox");
    JsonObject body =
        new JsonObject().put("files", new JsonObject().put("secrets.drl", SECRETS_RULE));
    assertThat(governor.http().post("/api/v1/rulesets", agent.getString("token"), body).status())
        .isEqualTo(403);
    assertThat(
            governor
                .http()
                .post("/api/v1/rulesets/1/activate", agent.getString("token"), "")
                .status())
        .isEqualTo(403);
  }

  @Test
  @DisplayName(
      "A version's tests run at validation; failing tests block activation unless forced, and forcing is audited")
  void testsGateActivation() {
    JsonObject passing =
        testCase(
            "secret reads in production need a person",
            "ESCALATED",
            "Reading secrets in production needs a person");
    JsonObject failing = testCase("secret reads in production are fine (wrong)", "APPROVED", null);
    JsonObject files =
        new JsonObject(new java.util.HashMap<String, Object>(DefaultLibrary.files()))
            .put("secrets.drl", SECRETS_RULE);

    JsonObject validation =
        governor
            .http()
            .post(
                "/api/v1/rulesets/validate",
                ADMIN,
                new JsonObject()
                    .put("files", files)
                    .put("tests", new JsonArray().add(passing).add(failing)))
            .json();
    assertThat(validation.getBoolean("ok")).isFalse();
    assertThat(
            validation.getJsonArray("testResults").stream()
                .map(r -> ((JsonObject) r).getBoolean("ok")))
        .containsExactly(true, false);

    Http.Reply created =
        governor
            .http()
            .post(
                "/api/v1/rulesets",
                ADMIN,
                new JsonObject()
                    .put("files", files)
                    .put("tests", new JsonArray().add(passing).add(failing)));
    assertThat(created.status()).isEqualTo(201);
    int version = created.json().getInteger("version");
    Http.Reply blocked =
        governor.http().post("/api/v1/rulesets/" + version + "/activate", ADMIN, "");
    assertThat(blocked.status()).isEqualTo(409);
    assertThat(blocked.errorCode()).isEqualTo("tests_failed");
    assertThat(blocked.json().getJsonObject("error").getString("message"))
        .contains("secret reads in production are fine (wrong)");
    assertThat(governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active"))
        .isEqualTo(1);

    Http.Reply forced =
        governor.http().post("/api/v1/rulesets/" + version + "/activate?force=true", ADMIN, "");
    assertThat(forced.status()).isEqualTo(200);
    JsonArray entries =
        governor
            .http()
            .get("/api/v1/audit?after=0&limit=1000", ADMIN)
            .json()
            .getJsonArray("entries");
    JsonObject activation = entries.getJsonObject(entries.size() - 1);
    assertThat(activation.getString("type")).isEqualTo("ruleset.activated");
    assertThat(activation.getJsonObject("payload").getBoolean("forced")).isTrue();
    assertThat(activation.getJsonObject("payload").getJsonArray("failedTests")).hasSize(1);
  }

  @Test
  @DisplayName(
      "A backtest over 1,000 recorded plans lists exactly the decisions a version would change")
  void backtestIsExact() {
    JsonObject agent = agentIn("production");
    java.util.Set<String> secretPlans = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.List<java.util.concurrent.CompletableFuture<Void>> sent = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService senders =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    for (int i = 0; i < 1000; i++) {
      boolean secret = i % 7 == 0;
      sent.add(
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                JsonObject decision =
                    secret
                        ? review(agent)
                        : governor
                            .http()
                            .post(
                                ReviewLoopTest.plansOf(agent),
                                agent.getString("token"),
                                ReviewLoopTest.readPlan())
                            .json();
                assertThat(decision.getString("verdict")).isEqualTo("APPROVED");
                if (secret) {
                  secretPlans.add(decision.getString("planId"));
                }
              },
              senders));
    }
    sent.forEach(java.util.concurrent.CompletableFuture::join);
    senders.shutdown();
    JsonObject files =
        new JsonObject(new java.util.HashMap<String, Object>(DefaultLibrary.files()))
            .put("secrets.drl", SECRETS_RULE);
    int version =
        governor
            .http()
            .post("/api/v1/rulesets", ADMIN, new JsonObject().put("files", files))
            .json()
            .getInteger("version");
    long entries = entries();

    JsonObject backtest =
        governor
            .http()
            .post("/api/v1/rulesets/" + version + "/backtest?limit=1000", ADMIN, "")
            .json();

    assertThat(backtest.getInteger("plans")).isEqualTo(1000);
    JsonArray changed = backtest.getJsonArray("changed");
    assertThat(changed.stream().map(c -> ((JsonObject) c).getString("planId")))
        .containsExactlyInAnyOrderElementsOf(secretPlans);
    JsonObject first = changed.getJsonObject(0);
    assertThat(first.getString("oldVerdict")).isEqualTo("APPROVED");
    assertThat(first.getString("newVerdict")).isEqualTo("ESCALATED");
    assertThat(first.getJsonArray("rules"))
        .containsExactly("Reading secrets in production needs a person");
    assertThat(entries()).as("a backtest changes nothing").isEqualTo(entries);
    assertThat(governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active"))
        .isEqualTo(1);
  }

  private static JsonObject testCase(String name, String verdict, String rule) {
    return new JsonObject()
        .put("name", name)
        .put("agent", new JsonObject().put("environment", "production"))
        .put(
            "plan",
            new JsonObject()
                .put(
                    "steps",
                    new JsonArray()
                        .add(
                            ReviewLoopTest.step(
                                "s1", "vault.read", "secret:db-password", "read it"))))
        .put(
            "expect",
            new JsonObject()
                .put("verdict", verdict)
                .put("rules", rule == null ? new JsonArray() : new JsonArray().add(rule)));
  }

  private JsonObject agentIn(String environment) {
    return governor
        .http()
        .post("/api/v1/agents", ADMIN, ReviewLoopTest.registration("vault-reader", environment))
        .json();
  }

  private JsonObject review(JsonObject agent) {
    JsonObject plan =
        new JsonObject()
            .put("goal", "read the database password")
            .put(
                "steps",
                new JsonArray()
                    .add(ReviewLoopTest.step("s1", "vault.read", "secret:db-password", "read it")));
    Http.Reply reply =
        governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  private long entries() {
    return governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }
}
