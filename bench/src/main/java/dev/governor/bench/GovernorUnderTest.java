package dev.governor.bench;

import dev.governor.console.Governor;
import dev.governor.console.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governor started in this JVM as its launcher starts it, on a fresh data folder (so every review
 * is recorded durably in H2 with its audit entries), listening on 127.0.0.1 at a free port, with
 * one agent registered over the API.
 */
final class GovernorUnderTest implements AutoCloseable {

  /** What the audit log held after the load, and whether its hash chain checked out. */
  record AuditCheck(boolean ok, long entries) {}

  private static final Logger LOG = LoggerFactory.getLogger(GovernorUnderTest.class);
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private final Vertx clientVertx;
  private final Governor governor;
  private final Path dataDir;
  private final String adminToken;
  private final String agentId;
  private final String agentToken;

  private GovernorUnderTest(
      Vertx clientVertx,
      Governor governor,
      Path dataDir,
      String adminToken,
      String agentId,
      String agentToken) {
    this.clientVertx = clientVertx;
    this.governor = governor;
    this.dataDir = dataDir;
    this.adminToken = adminToken;
    this.agentId = agentId;
    this.agentToken = agentToken;
  }

  static GovernorUnderTest start(Vertx clientVertx) throws Exception {
    Path dataDir = Files.createTempDirectory("governor-bench-");
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String adminToken = "gvo_bench_" + HexFormat.of().formatHex(secret);
    Settings settings =
        Settings.load(Map.of())
            .with("dataDir", dataDir.toString())
            .with("httpHost", Endpoint.HOST)
            .with("httpPort", 0)
            .with("adminToken", adminToken);
    Governor governor;
    try {
      governor = Governor.start(settings, Clock.systemUTC());
    } catch (Exception e) {
      deleteQuietly(dataDir);
      throw e;
    }
    try (Calls calls = new Calls(clientVertx, CALL_TIMEOUT)) {
      Calls.Reply registered =
          calls.post(governor.port(), "/api/v1/agents", adminToken, registration());
      String id = registered.body().getString("id");
      String token = registered.body().getString("token");
      if (registered.status() != 201 || id == null || token == null) {
        throw new IllegalStateException(
            "registering the benchmark agent failed: "
                + registered.status()
                + " "
                + registered.text());
      }
      GovernorUnderTest target =
          new GovernorUnderTest(clientVertx, governor, dataDir, adminToken, id, token);
      target.checkVerdicts(calls);
      LOG.info("Governor is up on port {} with agent {}, data in {}", governor.port(), id, dataDir);
      return target;
    } catch (Exception | Error e) {
      governor.close();
      deleteQuietly(dataDir);
      throw e;
    }
  }

  /** Registers another sandbox agent over the API; returns its telemetry endpoint. */
  Endpoint telemetryAgent(String name) throws Exception {
    try (Calls calls = new Calls(clientVertx, CALL_TIMEOUT)) {
      Calls.Reply registered =
          calls.post(
              governor.port(),
              "/api/v1/agents",
              adminToken,
              new JsonObject()
                  .put("name", name)
                  .put("owner", "governor-bench")
                  .put("environment", "sandbox")
                  .toBuffer());
      String id = registered.body().getString("id");
      if (registered.status() != 201 || id == null) {
        throw new IllegalStateException(
            "registering " + name + " failed: " + registered.status() + " " + registered.text());
      }
      return new Endpoint(
          "Governor telemetry",
          governor.port(),
          "/api/v1/agents/" + id + "/telemetry",
          registered.body().getString("token"));
    }
  }

  /** Tool calls Governor counted for an agent, as its usage route reports them. */
  long toolCallsCounted(Endpoint telemetry) throws Exception {
    String usage = telemetry.path().replace("/telemetry", "/usage");
    try (Calls calls = new Calls(clientVertx, CALL_TIMEOUT)) {
      Calls.Reply reply = calls.get(governor.port(), usage, adminToken);
      if (reply.status() != 200) {
        throw new IllegalStateException("usage failed: " + reply.status() + " " + reply.text());
      }
      return reply.body().getJsonObject("total").getLong("toolCalls");
    }
  }

  Endpoint endpoint() {
    return new Endpoint(
        "Governor review", governor.port(), "/api/v1/agents/" + agentId + "/plans", agentToken);
  }

  /** Asks Governor to re-hash its whole audit chain, which also shows what the load recorded. */
  AuditCheck verifyAudit() throws Exception {
    try (Calls calls = new Calls(clientVertx, CALL_TIMEOUT)) {
      Calls.Reply verified = calls.get(governor.port(), "/api/v1/audit/verify", adminToken);
      if (verified.status() != 200) {
        throw new IllegalStateException(
            "audit verification failed: " + verified.status() + " " + verified.text());
      }
      return new AuditCheck(
          verified.body().getBoolean("ok", false), verified.body().getLong("entries", -1L));
    }
  }

  /**
   * Sends one plan of each kind before the load, so a rule change that turns the benchmark's plans
   * into something else shows up as a clear failure instead of as odd figures. Its keys differ from
   * the load's, so no later request repeats an idempotency key.
   */
  private void checkVerdicts(Calls calls) throws Exception {
    PlanBodies bodies = new PlanBodies("check-");
    for (long n : new long[] {0, PlanBodies.DENIED_EVERY - 1}) {
      String expected = PlanBodies.deniedPlan(n) ? "DENIED" : "APPROVED";
      Calls.Reply reply =
          calls.post(governor.port(), endpoint().path(), agentToken, bodies.body(n));
      if (reply.status() != 200 || !expected.equals(reply.body().getString("verdict"))) {
        throw new IllegalStateException(
            "expected "
                + expected
                + " for the benchmark's plan, got "
                + reply.status()
                + " "
                + reply.text());
      }
      LOG.debug("Governor answered plan {} with {}", n, reply.text());
    }
  }

  private static Buffer registration() {
    return new JsonObject()
        .put("name", "bench-docs-agent")
        .put("owner", "governor-bench")
        .put("environment", "sandbox")
        .put("grants", new JsonArray(PlanBodies.GRANTS))
        .put("budgets", new JsonObject().put("maxStepsPerPlan", 20))
        .put("labels", new JsonObject().put("purpose", "benchmark"))
        .toBuffer();
  }

  @Override
  public void close() {
    governor.close();
    deleteQuietly(dataDir);
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(GovernorUnderTest::deleteOne);
    } catch (IOException e) {
      LOG.warn("Could not remove {}", dir, e);
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("Could not remove {}", path, e);
    }
  }
}
