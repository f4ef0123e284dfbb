package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against a crash: a real Governor process (the packaged jar) acknowledges decisions
 * under load, is killed with SIGKILL mid-stream, restarts on the same data folder, and still has
 * every decision it acknowledged, the pending escalation, and an audit chain that verifies.
 */
class CrashRecoveryIT {

  private static final String ADMIN = "crash-test-admin";
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir Path dataDir;
  private Process process;
  private Path log;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  @DisplayName("Every acknowledged decision survives kill -9, and the audit chain still verifies")
  void acknowledgedDecisionsSurviveSigkill() throws Exception {
    Http http = new Http(startGovernor());
    JsonObject agent =
        http.post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration("crash-agent", "staging")
                    .put("grants", new JsonArray().add("env.*:**").add("fs.write:/tmp/**")))
            .json();
    String token = agent.getString("token");
    String plans = ReviewLoopTest.plansOf(agent);
    JsonObject escalated = http.post(plans, token, ReviewLoopTest.environmentDeletionPlan()).json();
    assertThat(escalated.getString("verdict")).isEqualTo("ESCALATED");

    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    acknowledged.put(escalated.getString("planId"), "ESCALATED");
    AtomicInteger inFlightFailures = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Void>> load = new ArrayList<>();
    for (int sender = 0; sender < 8; sender++) {
      load.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 400; i++) {
                  try {
                    Http.Reply reply = http.post(plans, token, ReviewLoopTest.readPlan());
                    if (reply.status() == 200) {
                      acknowledged.put(
                          reply.json().getString("planId"), reply.json().getString("verdict"));
                    }
                  } catch (RuntimeException connectionLost) {
                    inFlightFailures.incrementAndGet();
                    return;
                  }
                }
              },
              senders));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 200);
    process.destroyForcibly().waitFor();
    CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).join();
    senders.shutdown();

    Http restarted = new Http(startGovernor());
    for (Map.Entry<String, String> decision : acknowledged.entrySet()) {
      Http.Reply reply = restarted.get("/api/v1/plans/" + decision.getKey() + "/decision", token);
      assertThat(reply.status()).as("plan %s", decision.getKey()).isEqualTo(200);
      assertThat(reply.json().getString("verdict")).isEqualTo(decision.getValue());
    }
    JsonArray pending =
        restarted
            .get("/api/v1/escalations?status=pending", ADMIN)
            .json()
            .getJsonArray("escalations");
    assertThat(pending.stream().map(e -> ((JsonObject) e).getString("planId")))
        .contains(escalated.getString("planId"));
    JsonObject verification = restarted.get("/api/v1/audit/verify", ADMIN).json();
    assertThat(verification.getBoolean("ok")).as(verification.encode()).isTrue();
    assertThat(verification.getLong("entries")).isGreaterThanOrEqualTo(2L * acknowledged.size());
  }

  @Test
  @DisplayName("SIGTERM stops Governor cleanly: it exits, says so, and starts again on its data")
  void sigtermStopsCleanly() throws Exception {
    Http http = new Http(startGovernor());
    JsonObject agent =
        http.post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration("stopper", "sandbox")
                    .put("grants", new JsonArray().add("fs.write:/tmp/**")))
            .json();
    String planId =
        http.post(
                ReviewLoopTest.plansOf(agent), agent.getString("token"), ReviewLoopTest.readPlan())
            .json()
            .getString("planId");

    process.destroy();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(Files.readString(log)).contains("Governor stopped");

    Http restarted = new Http(startGovernor());
    assertThat(
            restarted
                .get("/api/v1/plans/" + planId + "/decision", agent.getString("token"))
                .status())
        .isEqualTo(200);
    assertThat(restarted.get("/api/v1/audit/verify", ADMIN).json().getBoolean("ok")).isTrue();
  }

  private int startGovernor() throws IOException {
    Path jar = Path.of(System.getProperty("governor.jar", "target/governor.jar"));
    assertThat(jar).as("the packaged jar; run through mvn verify").exists();
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString());
    builder.environment().put("GOVERNOR_DATA_DIR", dataDir.toString());
    builder.environment().put("GOVERNOR_HTTP_PORT", "0");
    builder.environment().put("GOVERNOR_ADMIN_TOKEN", ADMIN);
    log = Files.createTempFile(dataDir.getParent(), "governor", ".log");
    builder.redirectError(log.toFile());
    process = builder.start();
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                  Matcher match = LISTENING.matcher(line);
                  if (match.find()) {
                    return Integer.parseInt(match.group(1));
                  }
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException("Governor exited before listening");
            });
    return port.orTimeout(90, java.util.concurrent.TimeUnit.SECONDS).join();
  }
}
