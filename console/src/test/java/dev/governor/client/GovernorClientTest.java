package dev.governor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.console.Governor;
import dev.governor.console.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real Governor: real HTTP, a real H2 file, the real loop. */
class GovernorClientTest {

  private static final String ADMIN = "gvo_client-test-admin-token";

  @TempDir Path dataDir;
  private Governor governor;
  private GovernorClient admin;

  @BeforeEach
  void start() throws Exception {
    Settings settings =
        Settings.load(Map.of())
            .with("dataDir", dataDir.toString())
            .with("httpPort", 0)
            .with("adminToken", ADMIN);
    governor = Governor.start(settings, Clock.systemUTC());
    admin = GovernorClient.connect(URI.create("http://127.0.0.1:" + governor.port()), ADMIN);
  }

  @AfterEach
  void stop() {
    governor.close();
  }

  @Test
  void anAgentWaitsForAPersonToAnswerItsEscalatedPlan() throws Exception {
    GovernorClient.RegisteredAgent registered =
        admin.registerAgent(
            GovernorClient.object()
                .put("name", "deployer")
                .put("owner", "platform-team")
                .put("environment", "staging")
                .set("grants", GovernorClient.JSON.createArrayNode().add("env.*:**")));
    GovernorClient agent = admin.as(registered.token());

    Decision escalated =
        agent.submitPlan(registered.id(), plan(step("s1", "env.delete", "env:main", "recreate")));
    assertThat(escalated.escalated()).isTrue();
    assertThat(escalated.findings()).isNotEmpty();

    CompletableFuture<Decision> waiting =
        CompletableFuture.supplyAsync(
            () -> agent.decision(escalated.planId(), Duration.ofSeconds(30)));
    Decision settled =
        admin.resolveEscalation(escalated.escalationId(), true, "planned rebuild, announced");
    assertThat(settled.approved()).isTrue();
    assertThat(waiting.get(30, TimeUnit.SECONDS).approved()).isTrue();
  }

  @Test
  void errorsComeBackWithGovernorsCode() {
    GovernorClient.RegisteredAgent registered = register("coder");
    GovernorClient stranger = admin.as("gva_not-a-real-token");
    assertThatThrownBy(() -> stranger.heartbeat(registered.id()))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.code()).isEqualTo("unauthenticated");
            });
    GovernorClient agent = admin.as(registered.token());
    ObjectNode keyed = plan(step("s1", "fs.read", "/repo/a", "read")).put("idempotencyKey", "k1");
    agent.submitPlan(registered.id(), keyed);
    ObjectNode changed = plan(step("s1", "fs.read", "/repo/b", "read")).put("idempotencyKey", "k1");
    assertThatThrownBy(() -> agent.submitPlan(registered.id(), changed))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo("idempotency_conflict"));
  }

  @Test
  void anAgentBurningItsTokensIsToldToPauseOnItsCommandStream() {
    GovernorClient.RegisteredAgent registered =
        admin.registerAgent(
            GovernorClient.object()
                .put("name", "looper")
                .put("owner", "platform-team")
                .put("environment", "sandbox")
                .set("budgets", GovernorClient.object().put("maxTokens", 1000)));
    GovernorClient agent = admin.as(registered.token());
    List<Command> commands = new CopyOnWriteArrayList<>();
    try (CommandStream stream = agent.followCommands(registered.id(), 0, commands::add)) {
      JsonNode answer =
          agent.sendTelemetry(
              registered.id(),
              List.of(
                  GovernorClient.object()
                      .put("kind", "tokens")
                      .put("tokensIn", 900)
                      .put("tokensOut", 300)
                      .put("model", "m")));
      assertThat(answer.path("circuit").path("state").asText()).isEqualTo("OPEN");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> commands.stream().anyMatch(c -> c.command().equals("pause")));
      assertThat(stream.lastSeq()).isPositive();
    }
    Decision denied =
        agent.submitPlan(registered.id(), plan(step("s1", "fs.read", "/repo/a", "read")));
    assertThat(denied.verdict()).isEqualTo("DENIED");
  }

  @Test
  void anAgentWorksATaskAndReportsItsStepWithEvidence() throws Exception {
    GovernorClient.RegisteredAgent registered =
        admin.registerAgent(
            GovernorClient.object()
                .put("name", "writer")
                .put("owner", "platform-team")
                .put("environment", "sandbox")
                .set(
                    "grants",
                    GovernorClient.JSON.createArrayNode().add("fs.write:" + dataDir + "/**")));
    GovernorClient agent = admin.as(registered.token());
    ObjectNode opening = GovernorClient.object().put("goal", "write the notes");
    opening.putArray("scope").add(dataDir + "/**");
    String taskId = agent.openTask(registered.id(), opening).path("id").asText();
    Path notes = dataDir.resolve("notes.txt");
    Decision approved =
        agent.submitPlan(
            registered.id(),
            plan(step("s1", "fs.write", notes.toString(), "write the notes"))
                .put("taskId", taskId));
    assertThat(approved.approved()).as(approved.body().toString()).isTrue();
    agent.advanceTask(taskId, GovernorClient.object().put("to", "implement"));

    java.nio.file.Files.writeString(notes, "the notes");
    String sha256 =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(java.nio.file.Files.readAllBytes(notes)));
    ObjectNode evidence = GovernorClient.object().put("kind", "file");
    evidence.putArray("artifacts").addObject().put("path", notes.toString()).put("sha256", sha256);
    ObjectNode report =
        GovernorClient.object().put("status", "succeeded").set("evidence", evidence);
    JsonNode reported = agent.reportStep(approved.planId(), "s1", report);
    assertThat(reported.path("report").path("state").asText()).isEqualTo("COMPLETED");

    JsonNode graph = agent.taskGraph(taskId);
    assertThat(graph.toString()).contains("COMPLETED");
    assertThat(agent.heartbeat(registered.id()).path("circuit").path("state").asText())
        .isEqualTo("CLOSED");
  }

  @Test
  void anOperatorSeesAnAgentsStatusItsAlertsAndTheLeasesHeld() {
    ObjectNode registration =
        GovernorClient.object()
            .put("name", "writer")
            .put("owner", "platform-team")
            .put("environment", "sandbox");
    registration.putObject("budgets").put("maxTokens", 100);
    registration.putArray("grants").add("fs.write:" + dataDir + "/**");
    GovernorClient.RegisteredAgent writer = admin.registerAgent(registration);
    GovernorClient agent = admin.as(writer.token());
    String config = dataDir.resolve("config.yaml").toString();
    assertThat(
            agent.submitPlan(writer.id(), plan(step("s1", "fs.write", config, "edit"))).approved())
        .isTrue();
    assertThat(admin.alerts("open")).isEmpty();

    agent.sendTelemetry(
        writer.id(), List.of(GovernorClient.object().put("kind", "tokens").put("tokensIn", 500)));

    assertThat(admin.leases())
        .singleElement()
        .satisfies(
            lease -> {
              assertThat(lease.path("agentId").asText()).isEqualTo(writer.id());
              assertThat(lease.path("resource").asText()).isEqualTo(config);
            });
    assertThat(admin.alerts("open"))
        .anySatisfy(
            alert -> {
              assertThat(alert.path("agentId").asText()).isEqualTo(writer.id());
              assertThat(alert.path("kind").asText()).isEqualTo("circuit_open");
            });
    assertThat(admin.alerts("all")).hasSameSizeAs(admin.alerts("open"));
    assertThat(admin.agent(writer.id()).path("status").asText()).isEqualTo("paused");
    assertThat(agent.agent(writer.id()).path("circuit").path("state").asText()).isEqualTo("OPEN");
    assertThatThrownBy(() -> agent.alerts("open"))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo("forbidden"));
  }

  private GovernorClient.RegisteredAgent register(String name) {
    return admin.registerAgent(
        GovernorClient.object()
            .put("name", name)
            .put("owner", "platform-team")
            .put("environment", "sandbox"));
  }

  private static ObjectNode plan(ObjectNode... steps) {
    ObjectNode plan = GovernorClient.object().put("goal", "the work");
    plan.putArray("steps").addAll(List.of(steps));
    return plan;
  }

  private static ObjectNode step(String id, String action, String target, String intent) {
    ObjectNode step =
        GovernorClient.object()
            .put("id", id)
            .put("action", action)
            .put("target", target)
            .put("intent", intent);
    step.putArray("provenance").add("user");
    return step;
  }
}
