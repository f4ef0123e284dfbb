package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.console.demo.Demo;
import dev.governor.console.demo.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end: its own start on a fresh folder, the fleet over real HTTP, and each story's
 * outcome checked through the HTTP API, not through the demo's printout.
 */
class DemoTest {

  static final String ADMIN = "gvo_demo-test-admin";

  @TempDir Path dir;

  @Test
  @DisplayName(
      "The demo plays every story of SPEC section 10 in well under a minute, and Governor's API"
          + " shows each outcome")
  void everyStoryReachesItsOutcome() throws Exception {
    Path dataDir = dir.resolve("data-demo");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    Demo.Running running = Demo.start(demoSettings(dataDir), out);
    try {
      Instant started = Instant.now();
      List<Outcome> outcomes = running.play(out);
      Duration took = Duration.between(started, Instant.now());

      String console = printed.toString(StandardCharsets.UTF_8);
      assertThat(outcomes).as(console).hasSize(8);
      assertThat(took).as(console).isLessThan(Duration.ofSeconds(40));
      assertThat(console).contains(running.url().toString()).contains(ADMIN).contains("[8/8]");
      assertThat(dataDir.resolve(Demo.MARKER)).exists();
      Http http = new Http(running.governor().port());

      productionDeletionIsDeniedAndAudited(http, outcomes.get(0));
      emptyScanLeavesTheStepIncompleteAndTheTaskStopped(http, outcomes.get(1));
      retriedStepsAreAlreadyDone(http, outcomes.get(2));
      secondWriterIsHeldOffByTheLease(http, outcomes.get(3));
      loopingAgentIsPausedAndAPersonTold(http, outcomes.get(4));
      silentAgentIsRaisedByTheWatchdog(http, outcomes.get(5));
      injectedUploadIsEscalated(http, outcomes.get(6));
      doneWithoutEvidenceIsRefused(http, outcomes.get(7));
    } finally {
      running.governor().close();
    }
  }

  @Test
  @DisplayName("The demo refuses a data folder that holds something other than a demo's")
  void refusesAFolderOfRealData() throws Exception {
    Path real = Files.createDirectories(dir.resolve("data"));
    Path database = Files.writeString(real.resolve("governor.mv.db"), "real data");

    assertThatThrownBy(() -> Demo.start(demoSettings(real), System.out))
        .isInstanceOf(Demo.FolderRefused.class)
        .hasMessageContaining("not the demo's");
    try (Stream<Path> files = Files.list(real)) {
      assertThat(files).containsExactly(database);
    }
  }

  @Test
  @DisplayName("The demo's own settings: data in ./data-demo unless told otherwise, fast watchdog")
  void settingsMoveTheDataAndSpeedUpTheStories() {
    Settings plain = Demo.settings(Settings.load(Map.of()));
    Settings chosen = Demo.settings(Settings.load(Map.of("GOVERNOR_DATA_DIR", "/tmp/mine")));

    assertThat(plain.dataDir()).isEqualTo(Path.of("data-demo"));
    assertThat(chosen.dataDir()).isEqualTo(Path.of("/tmp/mine"));
    assertThat(plain.values().getLong("heartbeatTimeoutSeconds")).isLessThan(10L);
    assertThat(plain.values().getLong("escalationTimeoutSeconds")).isGreaterThanOrEqualTo(300L);
  }

  private static Settings demoSettings(Path dataDir) {
    return Demo.settings(Settings.load(Map.of()))
        .with("dataDir", dataDir.toString())
        .with("httpPort", 0)
        .with("adminToken", ADMIN);
  }

  private static void productionDeletionIsDeniedAndAudited(Http http, Outcome outcome) {
    JsonObject decision =
        auditOf(http, "decision.made", "plan:" + outcome.ref("planId"))
            .get(0)
            .getJsonObject("payload");
    assertThat(decision.getString("verdict")).isEqualTo("DENIED");
    assertThat(rules(decision.getJsonArray("findings")))
        .contains("Destroying an environment, database or configuration is denied in production");
    assertThat(auditOf(http, "step.reported", "plan:" + outcome.ref("planId") + "/step:s1"))
        .as("no step ran")
        .isEmpty();
  }

  private static void emptyScanLeavesTheStepIncompleteAndTheTaskStopped(
      Http http, Outcome outcome) {
    JsonObject graph = get(http, "/api/v1/tasks/" + outcome.ref("taskId") + "/graph");
    assertThat(graph.getString("phase")).isEqualTo("implement");
    assertThat(graph.getJsonArray("toRun").getJsonObject(0).getString("state"))
        .isEqualTo("INCOMPLETE");
    assertThat(outcome.summary()).contains("scanned 0 items").contains("gate_refused");
  }

  private static void retriedStepsAreAlreadyDone(Http http, Outcome outcome) {
    String plan = "plan:" + outcome.ref("planId") + "/step:";
    long reported =
        audit(http).stream()
            .filter(e -> e.getString("type").equals("step.reported"))
            .filter(e -> e.getString("subject").startsWith(plan))
            .count();
    assertThat(reported)
        .as("each row reported once, its retry answered from the record")
        .isEqualTo(40);
    assertThat(auditOf(http, "decision.made", "plan:" + outcome.ref("planId"))).hasSize(1);
    assertThat(outcome.summary()).contains("40 of 40 retried steps answered \"already done\"");
  }

  private static void secondWriterIsHeldOffByTheLease(Http http, Outcome outcome) {
    JsonArray leases =
        get(http, "/api/v1/leases?resource=" + outcome.ref("resource")).getJsonArray("leases");
    assertThat(leases).hasSize(1);
    assertThat(leases.getJsonObject(0).getString("agentId")).isEqualTo(outcome.ref("holderId"));
    JsonObject waiting = pendingEscalationOf(http, outcome.ref("planId"));
    assertThat(waiting.getString("agentId")).isEqualTo(outcome.agentId());
    assertThat(rules(waiting.getJsonObject("decision").getJsonArray("findings")))
        .contains("A write to a resource another agent holds a lease on is escalated");
  }

  private static void loopingAgentIsPausedAndAPersonTold(Http http, Outcome outcome) {
    JsonObject agent = get(http, "/api/v1/agents/" + outcome.agentId());
    assertThat(agent.getString("status")).isEqualTo("paused");
    assertThat(agent.getJsonObject("circuit").getString("state")).isEqualTo("OPEN");
    assertThat(agent.getJsonObject("circuit").getString("trip")).isEqualTo("budget");
    assertThat(openAlertKinds(http, outcome.agentId())).contains("circuit_open");
  }

  private static void silentAgentIsRaisedByTheWatchdog(Http http, Outcome outcome) {
    assertThat(openAlertKinds(http, outcome.agentId())).contains("silent");
    assertThat(get(http, "/api/v1/agents/" + outcome.agentId()).getString("status"))
        .isEqualTo("silent");
  }

  private static void injectedUploadIsEscalated(Http http, Outcome outcome) {
    JsonObject waiting = pendingEscalationOf(http, outcome.ref("planId"));
    assertThat(waiting.getString("id")).isEqualTo(outcome.ref("escalationId"));
    assertThat(rules(waiting.getJsonObject("decision").getJsonArray("findings")))
        .contains("A non-read step influenced by untrusted content is escalated");
  }

  private static void doneWithoutEvidenceIsRefused(Http http, Outcome outcome) {
    JsonObject graph = get(http, "/api/v1/tasks/" + outcome.ref("taskId") + "/graph");
    assertThat(graph.getString("phase")).isNotEqualTo("done");
    assertThat(graph.getJsonArray("steps").getJsonObject(0).getString("state"))
        .isEqualTo("INCOMPLETE");
    assertThat(auditOf(http, "task.advanced", "task:" + outcome.ref("taskId"))).isEmpty();
    assertThat(outcome.summary()).contains("completion refused");
  }

  private static JsonObject pendingEscalationOf(Http http, String planId) {
    JsonObject pending =
        get(http, "/api/v1/escalations?status=pending").getJsonArray("escalations").stream()
            .map(JsonObject.class::cast)
            .filter(e -> e.getString("planId").equals(planId))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no pending escalation of plan " + planId));
    return get(http, "/api/v1/escalations/" + pending.getString("id"));
  }

  private static List<String> openAlertKinds(Http http, String agentId) {
    return get(http, "/api/v1/alerts?status=open").getJsonArray("alerts").stream()
        .map(JsonObject.class::cast)
        .filter(a -> a.getString("agentId").equals(agentId))
        .map(a -> a.getString("kind"))
        .toList();
  }

  private static List<JsonObject> auditOf(Http http, String type, String subject) {
    return audit(http).stream()
        .filter(e -> e.getString("type").equals(type) && e.getString("subject").equals(subject))
        .toList();
  }

  private static List<JsonObject> audit(Http http) {
    return get(http, "/api/v1/audit?after=0&limit=1000").getJsonArray("entries").stream()
        .map(JsonObject.class::cast)
        .toList();
  }

  private static List<String> rules(JsonArray findings) {
    return findings.stream().map(f -> ((JsonObject) f).getString("rule")).toList();
  }

  private static JsonObject get(Http http, String path) {
    Http.Reply reply = http.get(path, ADMIN);
    assertThat(reply.status()).as(path + " " + reply.json().encode()).isEqualTo(200);
    return reply.json();
  }
}
