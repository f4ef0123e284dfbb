package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/v1/agents} and the {@code agent} events of the live stream, over real HTTP. */
@DisplayName("The list of agents")
class AgentListTest {

  private static final String ADMIN = "gvo_agent-list-admin";

  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(
          ADMIN, Map.of("heartbeatTimeoutSeconds", 2L, "watchdogSweepMillis", 100L));

  @Test
  @DisplayName(
      "Lists every agent with status, circuit, budgets and usage as the usage route counts it,"
          + " filtered by environment and status")
  void listsAndFilters() {
    JsonObject worker = register("worker", "staging", new JsonObject().put("maxTokens", 5000));
    JsonObject looper = register("looper", "production", new JsonObject().put("maxTokens", 1000));
    JsonObject idle = register("idle", "sandbox", new JsonObject());
    assertThat(governor.telemetry(worker, CircuitTest.tokens(700, 500)).status()).isEqualTo(200);
    Http.Reply tripped = governor.telemetry(looper, CircuitTest.tokens(900, 300));
    assertThat(tripped.json().getJsonObject("circuit").getString("state")).isEqualTo("OPEN");

    List<JsonObject> all = list("");
    assertThat(all)
        .extracting(a -> a.getString("name"))
        .containsExactly("idle", "looper", "worker");

    JsonObject listedWorker = named(all, "worker");
    assertThat(listedWorker.getString("id")).isEqualTo(worker.getString("id"));
    assertThat(listedWorker.getString("owner")).isEqualTo("platform-team");
    assertThat(listedWorker.getString("environment")).isEqualTo("staging");
    assertThat(listedWorker.getString("status")).isEqualTo("active");
    assertThat(listedWorker.getJsonObject("circuit").getString("state")).isEqualTo("CLOSED");
    assertThat(listedWorker.getJsonObject("budgets").getLong("maxTokens")).isEqualTo(5000L);
    JsonObject usage = listedWorker.getJsonObject("usage");
    JsonObject counted =
        governor
            .http()
            .get("/api/v1/agents/" + worker.getString("id") + "/usage", ADMIN)
            .json()
            .getJsonObject("total");
    assertThat(usage.getLong("tokens")).isEqualTo(1200L).isEqualTo(counted.getLong("tokens"));
    assertThat(usage.getDouble("costUsd")).isEqualTo(counted.getDouble("costUsd"));
    assertThat(usage.getLong("plans")).isEqualTo(counted.getLong("plans"));
    assertThat(listedWorker.getString("lastSeen")).isNotBlank();
    assertThat(listedWorker.containsKey("token")).isFalse();

    JsonObject listedLooper = named(all, "looper");
    assertThat(listedLooper.getString("status")).isEqualTo("paused");
    JsonObject circuit = listedLooper.getJsonObject("circuit");
    assertThat(circuit.getString("state")).isEqualTo("OPEN");
    assertThat(circuit.getString("trip")).isEqualTo("budget");
    assertThat(circuit.getString("reason")).contains("1200 tokens used, budget 1000");

    JsonObject listedIdle = named(all, "idle");
    assertThat(listedIdle.getJsonObject("usage").getLong("tokens")).isZero();
    assertThat(listedIdle.containsKey("lastSeen")).as("never heard from").isFalse();

    assertThat(list("?environment=production"))
        .extracting(a -> a.getString("id"))
        .containsExactly(looper.getString("id"));
    assertThat(list("?status=paused"))
        .extracting(a -> a.getString("id"))
        .containsExactly(looper.getString("id"));
    assertThat(list("?status=active"))
        .extracting(a -> a.getString("name"))
        .containsExactly("idle", "worker");
    assertThat(list("?environment=staging&status=paused")).isEmpty();
    assertThat(list("?environment=sandbox&status=active"))
        .extracting(a -> a.getString("id"))
        .containsExactly(idle.getString("id"));

    CircuitTest.assertError(
        governor.http().get("/api/v1/agents?status=asleep", ADMIN), 400, "invalid_request");
  }

  @Test
  @DisplayName("An agent's token may not list agents, and no token at all is refused too")
  void onlyOperatorsList() {
    JsonObject agent = register("nosy", "sandbox", new JsonObject());
    CircuitTest.assertError(
        governor.http().get("/api/v1/agents", agent.getString("token")), 403, "forbidden");
    assertThat(governor.http().get("/api/v1/agents", null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName(
      "The live stream tells of an agent registered, paused (its command and its circuit) and"
          + " resumed")
  void liveStreamTellsOfAgents() throws Exception {
    try (CommandStream events =
        CommandStream.open(governor.port(), "/api/v1/events", ADMIN, null)) {
      assertThat(events.status()).isEqualTo(200);
      JsonObject agent = register("watched", "staging", new JsonObject());
      String id = agent.getString("id");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentChanges(events, id).contains("registered"));

      Http.Reply paused =
          governor
              .http()
              .post(
                  "/api/v1/agents/" + id + "/commands",
                  ADMIN,
                  new JsonObject().put("command", "pause").put("reason", "maintenance"));
      assertThat(paused.status()).as(paused.json().encode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentChanges(events, id).containsAll(List.of("circuit", "command")));
      assertThat(list("?status=paused")).extracting(a -> a.getString("id")).containsExactly(id);

      int before = agentChanges(events, id).size();
      Http.Reply resumed =
          governor
              .http()
              .post(
                  "/api/v1/agents/" + id + "/commands",
                  ADMIN,
                  new JsonObject().put("command", "resume"));
      assertThat(resumed.status()).as(resumed.json().encode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentChanges(events, id).size() >= before + 2);
      assertThat(list("?status=active")).extracting(a -> a.getString("id")).containsExactly(id);
    }
  }

  @Test
  @DisplayName(
      "An agent that stops heart-beating is listed as silent, told by the live stream, and active"
          + " again once heard")
  void silenceIsListedAndTold() throws Exception {
    try (CommandStream events =
        CommandStream.open(governor.port(), "/api/v1/events", ADMIN, null)) {
      JsonObject agent = register("quiet", "staging", new JsonObject());
      String id = agent.getString("id");
      String heartbeat = "/api/v1/agents/" + id + "/heartbeat";
      assertThat(governor.http().post(heartbeat, agent.getString("token"), "").status())
          .isEqualTo(200);
      assertThat(named(list(""), "quiet").getString("lastSeen")).isNotBlank();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> list("?status=silent").stream().anyMatch(a -> a.getString("id").equals(id)));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentChanges(events, id).contains("status"));

      assertThat(governor.http().post(heartbeat, agent.getString("token"), "").status())
          .isEqualTo(200);
      assertThat(list("?status=active")).extracting(a -> a.getString("id")).containsExactly(id);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agentChanges(events, id).stream().filter("status"::equals).count() >= 2);
    }
  }

  private static List<String> agentChanges(CommandStream events, String agentId) {
    return events.events().stream()
        .filter(e -> e.name().equals("agent"))
        .map(CommandStream.Event::data)
        .filter(data -> agentId.equals(data.getString("agentId")))
        .map(data -> data.getString("change"))
        .toList();
  }

  private List<JsonObject> list(String query) {
    Http.Reply reply = governor.http().get("/api/v1/agents" + query, ADMIN);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json().getJsonArray("agents").stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject named(List<JsonObject> agents, String name) {
    return agents.stream().filter(a -> a.getString("name").equals(name)).findFirst().orElseThrow();
  }

  private JsonObject register(String name, String environment, JsonObject budgets) {
    return governor.register(
        ReviewLoopTest.registration(name, environment).put("budgets", budgets));
  }
}
