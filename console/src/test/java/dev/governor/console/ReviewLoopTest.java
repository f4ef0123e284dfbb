package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The review loop end to end: real HTTP on a random port, a real H2 file in a temp folder, the real
 * bus and real Drools.
 */
class ReviewLoopTest {

  static final String ADMIN = "test-admin-token";

  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(
          ADMIN,
          Map.of(
              "escalationTimeoutSeconds", 900L,
              "escalationTimeoutHighSeconds", 2L,
              "escalationSweepMillis", 100L,
              "maxBodyBytes", 65_536L,
              "maxStepsPerPlan", 20));

  @Test
  @DisplayName("Deleting an environment is denied in production and escalated in staging")
  void environmentDeletion() {
    JsonObject production = register("prod-coder", "production", "env.*:**");
    JsonObject staging = register("staging-coder", "staging", "env.*:**");

    Http.Reply denied = submit(production, environmentDeletionPlan());
    Http.Reply escalated = submit(staging, environmentDeletionPlan());

    assertThat(denied.status()).isEqualTo(200);
    assertThat(denied.json().getString("verdict")).isEqualTo("DENIED");
    assertThat(
            denied.json().getJsonArray("findings").stream()
                .map(f -> ((JsonObject) f).getString("rule")))
        .contains("Destroying an environment, database or configuration is denied in production");
    assertThat(escalated.json().getString("verdict")).isEqualTo("ESCALATED");
    assertThat(escalated.json().getString("escalationId")).isNotBlank();
    assertThat(escalated.json().getInteger("ruleSetVersion")).isEqualTo(1);
    assertThat(escalated.json().getLong("auditSeq")).isPositive();
    JsonArray pending =
        governor
            .http()
            .get("/api/v1/escalations?status=pending", ADMIN)
            .json()
            .getJsonArray("escalations");
    assertThat(pending).hasSize(1);
    assertThat(pending.getJsonObject(0).getString("planId"))
        .isEqualTo(escalated.json().getString("planId"));
  }

  @Test
  @DisplayName("An operator's answer reaches the agent waiting on the decision, and is audited")
  void escalationAnswerReachesWaitingAgent() {
    JsonObject agent = register("coder", "staging", "env.*:**");
    JsonObject decision = submit(agent, environmentDeletionPlan()).json();
    String planId = decision.getString("planId");

    CompletableFuture<Http.Reply> waiting =
        governor
            .http()
            .getAsync("/api/v1/plans/" + planId + "/decision?wait=30", agent.getString("token"));
    Http.Reply resolved =
        governor
            .http()
            .post(
                "/api/v1/escalations/" + decision.getString("escalationId") + "/resolve",
                ADMIN,
                new JsonObject().put("resolution", "approve").put("reason", "planned rebuild"));

    assertThat(resolved.status()).isEqualTo(200);
    Http.Reply answer = waiting.orTimeout(20, TimeUnit.SECONDS).join();
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getString("verdict")).isEqualTo("APPROVED");
    assertThat(answer.json().getString("decidedBy")).isEqualTo("operator:admin");
    assertThat(answer.json().getString("reason")).isEqualTo("planned rebuild");
    JsonObject entry = lastAuditEntry();
    assertThat(entry.getString("type")).isEqualTo("escalation.resolved");
    assertThat(entry.getString("actor")).isEqualTo("operator:admin");
    assertThat(answer.json().getLong("auditSeq")).isEqualTo(entry.getLong("seq"));
    assertThat(
            governor
                .http()
                .post(
                    "/api/v1/escalations/" + decision.getString("escalationId") + "/resolve",
                    ADMIN,
                    new JsonObject().put("resolution", "deny").put("reason", "too late"))
                .status())
        .isEqualTo(409);
  }

  @Test
  @DisplayName(
      "An escalation nobody answers by its severity's deadline is denied, and the waiting agent hears it")
  void unansweredEscalationIsDenied() {
    JsonObject agent = register("coder", "staging", "env.*:**");
    String planId = submit(agent, environmentDeletionPlan()).json().getString("planId");

    Http.Reply answer =
        governor
            .http()
            .get("/api/v1/plans/" + planId + "/decision?wait=20", agent.getString("token"));

    assertThat(answer.json().getString("verdict")).isEqualTo("DENIED");
    assertThat(answer.json().getString("decidedBy")).isEqualTo("governor");
    JsonObject escalation =
        governor
            .http()
            .get("/api/v1/escalations?status=all", ADMIN)
            .json()
            .getJsonArray("escalations")
            .getJsonObject(0);
    assertThat(escalation.getString("status")).isEqualTo("EXPIRED");
    assertThat(escalation.getString("severity")).isEqualTo("HIGH");
    assertThat(
            Duration.between(
                java.time.Instant.parse(escalation.getString("createdAt")),
                java.time.Instant.parse(escalation.getString("deadline"))))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName(
      "Reads are approved; a write without a grant is denied with the grant that would cover it")
  void grants() {
    JsonObject agent = register("docs-writer", "sandbox", "fs.write:/repo/docs/**");
    JsonObject plan =
        new JsonObject()
            .put("goal", "update docs")
            .put(
                "steps",
                new JsonArray()
                    .add(step("s1", "fs.read", "/repo/src/Main.java", "read the code"))
                    .add(step("s2", "fs.write", "/repo/docs/guide.md", "document it"))
                    .add(step("s3", "fs.write", "/repo/src/Main.java", "fix a typo")));

    JsonObject decision = submit(agent, plan).json();

    assertThat(decision.getString("verdict")).isEqualTo("DENIED");
    assertThat(
            decision.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("verdict")))
        .containsExactly("APPROVED", "APPROVED", "DENIED");
    assertThat(
            decision.getJsonArray("findings").stream()
                .map(f -> (JsonObject) f)
                .filter(f -> "s3".equals(f.getString("stepId")))
                .map(f -> f.getString("message")))
        .anySatisfy(message -> assertThat(message).contains("\"fs.write:/repo/src/Main.java\""));
  }

  @Test
  @DisplayName("Agent B cannot use agent A's token, and agents cannot act as operators")
  void tokensActForTheirAgentOnly() {
    JsonObject a = register("agent-a", "sandbox", "fs.write:/tmp/**");
    JsonObject b = register("agent-b", "sandbox", "fs.write:/tmp/**");
    String planOfA = submit(a, readPlan()).json().getString("planId");

    assertThat(governor.http().post(plansOf(a), b.getString("token"), readPlan()).status())
        .isEqualTo(403);
    assertThat(
            governor
                .http()
                .get("/api/v1/plans/" + planOfA + "/decision", b.getString("token"))
                .status())
        .isEqualTo(403);
    assertThat(
            governor
                .http()
                .get("/api/v1/agents/" + a.getString("id"), b.getString("token"))
                .status())
        .isEqualTo(403);
    assertThat(governor.http().get("/api/v1/escalations", a.getString("token")).status())
        .isEqualTo(403);
    assertThat(
            governor
                .http()
                .post("/api/v1/agents", a.getString("token"), registration("x", "sandbox"))
                .status())
        .isEqualTo(403);
    assertThat(governor.http().post(plansOf(a), ADMIN, readPlan()).status()).isEqualTo(403);
    assertThat(governor.http().post(plansOf(a), "not-a-token", readPlan()).status()).isEqualTo(401);
    assertThat(governor.http().post(plansOf(a), null, readPlan()).status()).isEqualTo(401);
    assertThat(
            governor
                .http()
                .get("/api/v1/plans/" + planOfA + "/decision", a.getString("token"))
                .status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("Every bad input gets a 4xx with a JSON error and leaves the audit log unchanged")
  void badInputChangesNothing() {
    JsonObject agent = register("coder", "sandbox", "fs.write:/tmp/**");
    String token = agent.getString("token");
    long entriesBefore = auditEntries();
    String tooManySteps = planWithSteps(21).encode();
    String oversized =
        new JsonObject()
            .put("goal", "x".repeat(3000))
            .put("steps", new JsonArray().add(step("s1", "fs.read", "y".repeat(70_000), "")))
            .encode();

    Map<String, Http.Reply> replies =
        Map.ofEntries(
            Map.entry(
                "malformed JSON", governor.http().post(plansOf(agent), token, "{\"steps\": [")),
            Map.entry("not an object", governor.http().post(plansOf(agent), token, "[1, 2]")),
            Map.entry(
                "missing steps", governor.http().post(plansOf(agent), token, "{\"goal\": \"x\"}")),
            Map.entry(
                "empty steps", governor.http().post(plansOf(agent), token, "{\"steps\": []}")),
            Map.entry(
                "missing action",
                governor
                    .http()
                    .post(
                        plansOf(agent),
                        token,
                        "{\"steps\": [{\"id\": \"s1\", \"target\": \"t\"}]}")),
            Map.entry(
                "wrong-typed provenance",
                governor
                    .http()
                    .post(
                        plansOf(agent),
                        token,
                        "{\"steps\": [{\"id\": \"s1\", \"action\": \"fs.read\", \"target\": \"t\", \"provenance\": \"user\"}]}")),
            Map.entry(
                "malformed action",
                governor
                    .http()
                    .post(
                        plansOf(agent),
                        token,
                        "{\"steps\": [{\"id\": \"s1\", \"action\": \"rm -rf\", \"target\": \"/\"}]}")),
            Map.entry(
                "duplicate step ids",
                governor
                    .http()
                    .post(
                        plansOf(agent),
                        token,
                        "{\"steps\": [{\"id\": \"s1\", \"action\": \"fs.read\", \"target\": \"a\"}, {\"id\": \"s1\", \"action\": \"fs.read\", \"target\": \"b\"}]}")),
            Map.entry(
                "dangling dependency",
                governor
                    .http()
                    .post(
                        plansOf(agent),
                        token,
                        "{\"steps\": [{\"id\": \"s1\", \"action\": \"fs.read\", \"target\": \"a\", \"dependsOn\": [\"s9\"]}]}")),
            Map.entry("too many steps", governor.http().post(plansOf(agent), token, tooManySteps)),
            Map.entry("oversized body", governor.http().post(plansOf(agent), token, oversized)),
            Map.entry(
                "unknown agent",
                governor.http().post("/api/v1/agents/no-such-agent/plans", token, readPlan())),
            Map.entry("bad wait", governor.http().get("/api/v1/plans/x/decision?wait=soon", token)),
            Map.entry(
                "registration without environment",
                governor
                    .http()
                    .post("/api/v1/agents", ADMIN, "{\"name\": \"x\", \"owner\": \"y\"}")),
            Map.entry(
                "registration with a malformed grant",
                governor
                    .http()
                    .post(
                        "/api/v1/agents",
                        ADMIN,
                        registration("x", "sandbox")
                            .put("grants", new JsonArray().add("fs.write")))),
            Map.entry(
                "registration with an unknown environment",
                governor.http().post("/api/v1/agents", ADMIN, registration("x", "moon"))),
            Map.entry(
                "resolution without a reason",
                governor
                    .http()
                    .post("/api/v1/escalations/x/resolve", ADMIN, "{\"resolution\": \"approve\"}")),
            Map.entry(
                "resolution with a blank reason",
                governor
                    .http()
                    .post(
                        "/api/v1/escalations/x/resolve",
                        ADMIN,
                        "{\"resolution\": \"approve\", \"reason\": \"   \"}")),
            Map.entry(
                "resolution of an unknown escalation",
                governor
                    .http()
                    .post(
                        "/api/v1/escalations/x/resolve",
                        ADMIN,
                        "{\"resolution\": \"approve\", \"reason\": \"ok\"}")));

    replies.forEach(
        (what, reply) -> {
          assertThat(reply.status()).as(what).isBetween(400, 499);
          assertThat(reply.errorCode()).as(what).isNotBlank();
          assertThat(reply.json().getJsonObject("error").getString("message"))
              .as(what)
              .isNotBlank();
        });
    assertThat(replies.get("malformed JSON").errorCode()).isEqualTo("malformed_json");
    assertThat(replies.get("missing steps").errorCode()).isEqualTo("missing_field");
    assertThat(replies.get("too many steps").errorCode()).isEqualTo("too_many_steps");
    assertThat(replies.get("oversized body").status()).isEqualTo(413);
    assertThat(replies.get("unknown agent").status()).isEqualTo(404);
    assertThat(replies.get("resolution of an unknown escalation").status()).isEqualTo(404);
    assertThat(auditEntries()).isEqualTo(entriesBefore);
    assertThat(governor.http().get("/api/v1/audit/verify", ADMIN).json().getBoolean("ok")).isTrue();
  }

  @Test
  @DisplayName("Metrics count reviews by verdict and pending escalations, in Prometheus text")
  void metrics() {
    JsonObject agent = register("coder", "staging", "env.*:**");
    submit(agent, environmentDeletionPlan());
    submit(agent, readPlan());

    Http.Reply metrics = governor.http().get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.json().getString("text"))
        .contains("governor_reviews_total{verdict=\"ESCALATED\"} 1.0")
        .contains("governor_reviews_total{verdict=\"APPROVED\"} 1.0")
        .contains("governor_review_latency_seconds_count 2")
        .contains("governor_store_write_queue");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                governor
                    .http()
                    .get("/metrics", null)
                    .json()
                    .getString("text")
                    .contains("governor_escalations_pending 1.0"));
  }

  @Test
  @DisplayName("Health answers 200 while the store is usable, and the OpenAPI document is served")
  void healthAndContract() {
    assertThat(governor.http().get("/health", null).status()).isEqualTo(200);
    Http.Reply contract = governor.http().get("/api/v1/openapi.json", null);
    assertThat(contract.status()).isEqualTo(200);
    assertThat(contract.json().getJsonObject("paths").fieldNames())
        .contains(
            "/api/v1/agents",
            "/api/v1/agents/{agentId}/plans",
            "/api/v1/escalations/{escalationId}/resolve");
  }

  @Test
  @DisplayName("The audit chain verifies after a busy loop")
  void auditChainVerifies() {
    JsonObject agent = register("coder", "staging", "env.*:**", "fs.write:/tmp/**");
    for (int i = 0; i < 20; i++) {
      submit(agent, i % 4 == 0 ? environmentDeletionPlan() : readPlan());
    }
    JsonObject verification = governor.http().get("/api/v1/audit/verify", ADMIN).json();
    assertThat(verification.getBoolean("ok")).isTrue();
    assertThat(verification.getLong("entries")).isEqualTo(auditEntries());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> governor.http().get("/health", null).status() == 200);
  }

  // ---- helpers ----

  JsonObject register(String name, String environment, String... grants) {
    JsonObject body = registration(name, environment);
    body.put("grants", new JsonArray(java.util.List.of((Object[]) grants)));
    Http.Reply reply = governor.http().post("/api/v1/agents", ADMIN, body);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    assertThat(reply.json().getString("token")).startsWith("gva_");
    return reply.json();
  }

  static JsonObject registration(String name, String environment) {
    return new JsonObject()
        .put("name", name)
        .put("owner", "platform-team")
        .put("environment", environment);
  }

  Http.Reply submit(JsonObject agent, JsonObject plan) {
    Http.Reply reply = governor.http().post(plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply;
  }

  static String plansOf(JsonObject agent) {
    return "/api/v1/agents/" + agent.getString("id") + "/plans";
  }

  static JsonObject environmentDeletionPlan() {
    return new JsonObject()
        .put("goal", "fix the broken environment")
        .put(
            "steps",
            new JsonArray()
                .add(step("s1", "env.delete", "env:main", "delete and recreate the environment")));
  }

  static JsonObject readPlan() {
    return new JsonObject()
        .put("goal", "look around")
        .put(
            "steps", new JsonArray().add(step("s1", "fs.read", "/tmp/notes.txt", "read my notes")));
  }

  static JsonObject planWithSteps(int count) {
    JsonArray steps = new JsonArray();
    for (int i = 0; i < count; i++) {
      steps.add(step("s" + i, "fs.read", "/tmp/" + i, "read"));
    }
    return new JsonObject().put("goal", "many").put("steps", steps);
  }

  static JsonObject step(String id, String action, String target, String intent) {
    return new JsonObject()
        .put("id", id)
        .put("action", action)
        .put("target", target)
        .put("intent", intent)
        .put("provenance", new JsonArray().add("user"));
  }

  long auditEntries() {
    return governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }

  JsonObject lastAuditEntry() {
    JsonArray entries =
        governor
            .http()
            .get("/api/v1/audit?after=0&limit=1000", ADMIN)
            .json()
            .getJsonArray("entries");
    return entries.getJsonObject(entries.size() - 1);
  }
}
