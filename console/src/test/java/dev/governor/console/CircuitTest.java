package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sensors and effectors end to end, over real HTTP: telemetry against budgets, circuits, the
 * command stream, the watchdog, and their survival of a restart. Times are short so the tests run
 * quickly; everything asynchronous is awaited, never slept on.
 */
class CircuitTest {

  static final String ADMIN = "test-admin-token";

  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(
          ADMIN,
          Map.ofEntries(
              Map.entry("heartbeatTimeoutSeconds", 1L),
              Map.entry("watchdogSweepMillis", 100L),
              Map.entry("circuitSweepMillis", 100L),
              Map.entry("halfOpenAfterSeconds", 1L),
              Map.entry("probeTimeoutSeconds", 2L),
              Map.entry("errorRateMinCalls", 4L),
              Map.entry("errorRateThreshold", 0.5),
              Map.entry("retryStormLimit", 3),
              Map.entry("retryStormWindowSeconds", 60L)));

  @Test
  @DisplayName(
      "An agent past its token budget is paused within one batch, its plans are denied, and an"
          + " operator's reset resumes it")
  void tokenBudgetTripsTheCircuit() throws Exception {
    JsonObject agent = register("looper", new JsonObject().put("maxTokens", 1000));
    try (CommandStream stream = stream(agent, null)) {
      assertThat(stream.status()).isEqualTo(200);

      Http.Reply ingested = telemetry(agent, tokens(400, 300), tokens(300, 200));

      assertThat(ingested.status()).as(ingested.json().encode()).isEqualTo(200);
      assertThat(ingested.json().getInteger("accepted")).isEqualTo(2);
      JsonObject circuit = ingested.json().getJsonObject("circuit");
      assertThat(circuit.getString("state")).isEqualTo("OPEN");
      assertThat(circuit.getString("trip")).isEqualTo("budget");
      assertThat(circuit.getString("reason")).contains("1200 tokens used, budget 1000");
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.commands().contains("pause"));
      assertThat(stream.events().get(0).data().getString("reason")).contains("token budget");

      JsonObject seen = governor.http().get(agentPath(agent), ADMIN).json();
      assertThat(seen.getString("status")).isEqualTo("paused");
      assertThat(seen.getJsonObject("circuit").getString("state")).isEqualTo("OPEN");
      JsonObject denied = submit(agent, ReviewLoopTest.readPlan());
      assertThat(denied.getString("verdict")).isEqualTo("DENIED");
      assertThat(rules(denied)).contains("circuit-open");
      assertThat(findingOf(denied, "circuit-open").getString("message"))
          .contains("1200 tokens used");
      JsonObject usage = governor.http().get(agentPath(agent) + "/usage", ADMIN).json();
      assertThat(usage.getJsonObject("total").getLong("tokens")).isEqualTo(1200L);
      assertThat(usage.getJsonObject("total").getLong("plans")).isEqualTo(1L);
      assertThat(usage.getString("status")).isEqualTo("paused");
      assertThat(alerts("open"))
          .anySatisfy(
              alert -> {
                assertThat(alert.getString("agentId")).isEqualTo(agent.getString("id"));
                assertThat(alert.getString("kind")).isEqualTo("circuit_open");
              });
      assertThat(auditTypes()).contains("circuit.open", "command.issued", "alert.raised");

      Http.Reply raised =
          governor
              .http()
              .put(
                  agentPath(agent) + "/budgets", ADMIN, new JsonObject().put("maxTokens", 100_000));
      assertThat(raised.status()).as(raised.json().encode()).isEqualTo(200);
      assertThat(raised.json().getJsonObject("budgets").getLong("maxTokens")).isEqualTo(100_000L);
      Http.Reply reset =
          governor
              .http()
              .post(
                  agentPath(agent) + "/circuit/reset",
                  ADMIN,
                  new JsonObject().put("reason", "budget raised for the migration"));

      assertThat(reset.status()).as(reset.json().encode()).isEqualTo(200);
      assertThat(reset.json().getJsonObject("circuit").getString("state")).isEqualTo("CLOSED");
      assertThat(reset.json().getJsonObject("command").getString("command")).isEqualTo("resume");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stream.commands().equals(List.of("pause", "resume")));
      assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict"))
          .isEqualTo("APPROVED");
      assertThat(governor.http().get(agentPath(agent), ADMIN).json().getString("status"))
          .isEqualTo("active");
      assertThat(alerts("open")).isEmpty();
      assertThat(auditTypes()).contains("agent.budgets_changed", "circuit.closed", "alert.cleared");
      JsonObject verification = governor.http().get("/api/v1/audit/verify", ADMIN).json();
      assertThat(verification.getBoolean("ok")).isTrue();
    }
  }

  @Test
  @DisplayName("An agent that stops heart-beating is raised as silent within its time, and back")
  void silentAgentIsRaised() {
    JsonObject agent = register("quiet", new JsonObject());
    Http.Reply beat = heartbeat(agent);
    assertThat(beat.status()).as(beat.json().encode()).isEqualTo(200);
    assertThat(beat.json().getJsonObject("circuit").getString("state")).isEqualTo("CLOSED");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                alerts("open").stream()
                    .anyMatch(
                        a ->
                            a.getString("agentId").equals(agent.getString("id"))
                                && a.getString("kind").equals("silent")));
    assertThat(governor.http().get(agentPath(agent), ADMIN).json().getString("status"))
        .isEqualTo("silent");
    assertThat(auditTypes()).contains("alert.raised");

    assertThat(heartbeat(agent).status()).isEqualTo(200);
    assertThat(governor.http().get(agentPath(agent), ADMIN).json().getString("status"))
        .isEqualTo("active");
    assertThat(alerts("all")).anySatisfy(a -> assertThat(a.getString("clearedAt")).isNotBlank());
  }

  @Test
  @DisplayName("Open circuits and recorded commands survive a restart, and are re-delivered")
  void circuitsSurviveRestart() throws Exception {
    JsonObject agent = register("restarted", new JsonObject().put("maxCostUsd", 1.0));
    JsonObject cost = new JsonObject().put("kind", "cost").put("costUsd", 1.5);
    assertThat(telemetry(agent, cost).json().getJsonObject("circuit").getString("state"))
        .isEqualTo("OPEN");

    governor.restart();

    JsonObject seen = governor.http().get(agentPath(agent), ADMIN).json();
    assertThat(seen.getJsonObject("circuit").getString("state")).isEqualTo("OPEN");
    assertThat(seen.getJsonObject("circuit").getString("reason")).contains("cost budget crossed");
    assertThat(seen.getString("status")).isEqualTo("paused");
    assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict")).isEqualTo("DENIED");
    JsonObject usage = governor.http().get(agentPath(agent) + "/usage", ADMIN).json();
    assertThat(usage.getJsonObject("total").getDouble("costUsd")).isEqualTo(1.5);
    long pauseSeq;
    try (CommandStream reconnected = stream(agent, null)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> reconnected.commands().contains("pause"));
      pauseSeq = reconnected.events().get(0).id();
    }
    Http.Reply reset = governor.http().post(agentPath(agent) + "/circuit/reset", ADMIN, "{}");
    assertThat(reset.status()).as(reset.json().encode()).isEqualTo(200);
    try (CommandStream resumed = stream(agent, pauseSeq)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.commands().contains("resume"));
      assertThat(resumed.commands()).containsExactly("resume");
    }
  }

  @Test
  @DisplayName(
      "The error-rate breaker goes half-open after its cool-down, closes on a clean probe, reopens"
          + " on a bad one, and reopens when the probe never answers")
  void errorRateBreaker() throws Exception {
    JsonObject agent = register("flaky", new JsonObject());
    try (CommandStream stream = stream(agent, null)) {
      Http.Reply failing = telemetry(agent, call(false), call(false), call(false), call(true));
      JsonObject opened = failing.json().getJsonObject("circuit");
      assertThat(opened.getString("state")).isEqualTo("OPEN");
      assertThat(opened.getString("trip")).isEqualTo("error_rate");
      assertThat(opened.getString("reason")).contains("3 of 4 calls failed");

      awaitCircuit(agent, "HALF_OPEN");
      await().atMost(Duration.ofSeconds(10)).until(() -> stream.commands().size() >= 2);
      assertThat(stream.commands()).containsExactly("pause", "resume");
      Http.Reply clean = telemetry(agent, call(true), call(true));
      assertThat(clean.json().getJsonObject("circuit").getString("state")).isEqualTo("CLOSED");

      telemetry(agent, call(false), call(false), call(false), call(false));
      awaitCircuit(agent, "HALF_OPEN");
      Http.Reply bad = telemetry(agent, call(false));
      JsonObject reopened = bad.json().getJsonObject("circuit");
      assertThat(reopened.getString("state")).isEqualTo("OPEN");
      assertThat(reopened.getString("reason")).contains("probe failed");

      awaitCircuit(agent, "HALF_OPEN");
      JsonObject timedOut = awaitCircuit(agent, "OPEN");
      assertThat(timedOut.getString("reason")).contains("probe timed out");
      assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict")).isEqualTo("DENIED");
    }
  }

  @Test
  @DisplayName("The same step sent more than N times in the window opens the circuit, denying it")
  void retryStormOpensTheCircuit() {
    JsonObject agent = register("stormy", new JsonObject());
    for (int i = 0; i < 3; i++) {
      assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict"))
          .isEqualTo("APPROVED");
    }

    JsonObject fourth = submit(agent, ReviewLoopTest.readPlan());

    assertThat(fourth.getString("verdict")).isEqualTo("DENIED");
    assertThat(findingOf(fourth, "circuit-open").getString("message"))
        .contains("retry storm")
        .contains("sent 4 times");
    JsonObject circuit =
        governor.http().get(agentPath(agent), ADMIN).json().getJsonObject("circuit");
    assertThat(circuit.getString("trip")).isEqualTo("retry_storm");
  }

  @Test
  @DisplayName("Operators pause, resume and abort an agent through its command stream")
  void operatorCommands() throws Exception {
    JsonObject agent = register("steered", new JsonObject());
    try (CommandStream stream = stream(agent, null)) {
      Http.Reply paused =
          governor
              .http()
              .post(
                  agentPath(agent) + "/commands",
                  ADMIN,
                  new JsonObject().put("command", "pause").put("reason", "maintenance"));
      assertThat(paused.status()).as(paused.json().encode()).isEqualTo(200);
      assertThat(paused.json().getJsonObject("circuit").getString("trip")).isEqualTo("operator");
      assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict")).isEqualTo("DENIED");
      assertThat(
              governor
                  .http()
                  .post(agentPath(agent) + "/commands", ADMIN, "{\"command\": \"resume\"}")
                  .status())
          .isEqualTo(200);
      assertThat(
              governor
                  .http()
                  .post(agentPath(agent) + "/commands", ADMIN, "{\"command\": \"abort\"}")
                  .status())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stream.commands().equals(List.of("pause", "resume", "abort")));
      assertThat(stream.events().get(0).data().getString("actor")).isEqualTo("operator:admin");
    }
  }

  @Test
  @DisplayName(
      "Bad telemetry, commands and budgets are refused with a JSON error; nothing recorded")
  void badInputIsRefused() {
    JsonObject agent = register("careless", new JsonObject());
    JsonObject other = register("other", new JsonObject());
    String token = agent.getString("token");
    String telemetry = agentPath(agent) + "/telemetry";
    long before = auditEntries();

    assertError(governor.http().post(telemetry, token, "{\"events\": []}"), 400, "invalid_request");
    assertError(
        governor.http().post(telemetry, token, "{\"events\": [{\"kind\": \"dream\"}]}"),
        400,
        "invalid_request");
    assertError(
        governor
            .http()
            .post(telemetry, token, "{\"events\": [{\"kind\": \"tokens\", \"tokensIn\": -5}]}"),
        400,
        "invalid_request");
    assertError(governor.http().post(telemetry, token, "{\"events\": "), 400, "malformed_json");
    assertError(
        governor.http().post(telemetry, other.getString("token"), tokensBody(5)), 403, "forbidden");
    assertError(governor.http().post(telemetry, ADMIN, tokensBody(5)), 403, "forbidden");
    assertError(
        governor.http().post("/api/v1/agents/nobody/telemetry", ADMIN, tokensBody(5)),
        404,
        "unknown_agent");
    assertError(
        governor.http().post(agentPath(agent) + "/commands", ADMIN, "{\"command\": \"explode\"}"),
        400,
        "invalid_request");
    assertError(
        governor.http().post(agentPath(agent) + "/commands", token, "{\"command\": \"pause\"}"),
        403,
        "forbidden");
    assertError(
        governor.http().post(agentPath(agent) + "/circuit/reset", ADMIN, "{}"),
        409,
        "circuit_closed");
    assertError(
        governor
            .http()
            .put(agentPath(agent) + "/budgets", ADMIN, new JsonObject().put("maxErrorRate", 2)),
        400,
        "invalid_request");
    assertError(
        governor
            .http()
            .put(agentPath(agent) + "/budgets", token, new JsonObject().put("maxTokens", 1)),
        403,
        "forbidden");
    assertError(governor.http().get(agentPath(other) + "/usage", token), 403, "forbidden");
    assertError(governor.http().get("/api/v1/alerts", token), 403, "forbidden");

    JsonObject usage = governor.http().get(agentPath(agent) + "/usage", ADMIN).json();
    assertThat(usage.getJsonObject("total").getLong("tokens")).isZero();
    assertThat(usage.getJsonArray("tasks")).isEmpty();
    assertThat(auditEntries()).isEqualTo(before);
  }

  @Test
  @DisplayName("Metrics show telemetry taken in, circuits by state and open alerts")
  void metrics() {
    JsonObject agent = register("measured", new JsonObject().put("maxTokens", 10));
    telemetry(agent, tokens(20, 0));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String text = governor.http().get("/metrics", null).json().getString("text");
              assertThat(text)
                  .contains("governor_telemetry_events_total 1.0")
                  .contains("governor_circuits{state=\"OPEN\"} 1.0")
                  .contains("governor_alerts_open 1.0")
                  .contains("governor_telemetry_queue");
            });
  }

  // ---- helpers ----

  JsonObject register(String name, JsonObject budgets) {
    JsonObject body = ReviewLoopTest.registration(name, "sandbox").put("budgets", budgets);
    Http.Reply reply = governor.http().post("/api/v1/agents", ADMIN, body);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  CommandStream stream(JsonObject agent, Long lastEventId) throws Exception {
    return CommandStream.open(
        governor.port(), agentPath(agent) + "/commands", agent.getString("token"), lastEventId);
  }

  Http.Reply telemetry(JsonObject agent, JsonObject... events) {
    return governor
        .http()
        .post(
            agentPath(agent) + "/telemetry",
            agent.getString("token"),
            new JsonObject().put("events", new JsonArray(List.of((Object[]) events))));
  }

  Http.Reply heartbeat(JsonObject agent) {
    return governor.http().post(agentPath(agent) + "/heartbeat", agent.getString("token"), "");
  }

  JsonObject submit(JsonObject agent, JsonObject plan) {
    Http.Reply reply =
        governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  JsonObject awaitCircuit(JsonObject agent, String state) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> governor.http().get(agentPath(agent), ADMIN).json().getJsonObject("circuit"),
            circuit -> circuit.getString("state").equals(state));
  }

  List<JsonObject> alerts(String status) {
    return governor
        .http()
        .get("/api/v1/alerts?status=" + status, ADMIN)
        .json()
        .getJsonArray("alerts")
        .stream()
        .map(JsonObject.class::cast)
        .toList();
  }

  List<String> auditTypes() {
    return governor
        .http()
        .get("/api/v1/audit?after=0&limit=1000", ADMIN)
        .json()
        .getJsonArray("entries")
        .stream()
        .map(e -> ((JsonObject) e).getString("type"))
        .collect(Collectors.toList());
  }

  long auditEntries() {
    return governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }

  static void assertError(Http.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(status);
    assertThat(reply.errorCode()).as(reply.json().encode()).isEqualTo(code);
    assertThat(reply.json().getJsonObject("error").getString("message")).isNotBlank();
  }

  static String agentPath(JsonObject agent) {
    return "/api/v1/agents/" + agent.getString("id");
  }

  static JsonObject tokens(long in, long out) {
    return new JsonObject()
        .put("kind", "tokens")
        .put("tokensIn", in)
        .put("tokensOut", out)
        .put("model", "test-model");
  }

  static String tokensBody(long in) {
    return new JsonObject().put("events", new JsonArray().add(tokens(in, 0))).encode();
  }

  static JsonObject call(boolean ok) {
    return new JsonObject()
        .put("kind", "tool_call")
        .put("tool", "shell")
        .put("durationMs", 12)
        .put("ok", ok);
  }

  static List<String> rules(JsonObject decision) {
    return decision.getJsonArray("findings").stream()
        .map(f -> ((JsonObject) f).getString("rule"))
        .toList();
  }

  static JsonObject findingOf(JsonObject decision, String rule) {
    return decision.getJsonArray("findings").stream()
        .map(JsonObject.class::cast)
        .filter(f -> f.getString("rule").equals(rule))
        .findFirst()
        .orElseThrow();
  }
}
