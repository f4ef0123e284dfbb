package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the task, evidence and lease tests share: agents, tasks, plans, reports, real artifacts. */
final class TaskFixture {

  private final RunningGovernor governor;
  private final String admin;

  TaskFixture(RunningGovernor governor, String admin) {
    this.governor = governor;
    this.admin = admin;
  }

  Http http() {
    return governor.http();
  }

  JsonObject agent(String name, String... grants) {
    Http.Reply reply =
        http()
            .post(
                "/api/v1/agents",
                admin,
                ReviewLoopTest.registration(name, "staging")
                    .put("grants", new JsonArray(List.of((Object[]) grants))));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  Http.Reply openTask(JsonObject agent, JsonObject body) {
    return http()
        .post("/api/v1/agents/" + agent.getString("id") + "/tasks", agent.getString("token"), body);
  }

  JsonObject task(JsonObject agent, String classification, String... scope) {
    JsonObject body =
        new JsonObject()
            .put("goal", "a task")
            .put("scope", new JsonArray(List.of((Object[]) scope)))
            .put("classification", classification);
    Http.Reply reply = openTask(agent, body);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  Http.Reply submit(JsonObject agent, JsonObject plan) {
    return http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
  }

  JsonObject decided(JsonObject agent, JsonObject plan) {
    Http.Reply reply = submit(agent, plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  static JsonObject plan(String taskId, JsonObject... steps) {
    JsonObject plan =
        new JsonObject().put("goal", "do the work").put("steps", new JsonArray(List.of(steps)));
    return taskId == null ? plan : plan.put("taskId", taskId);
  }

  static JsonObject step(String id, String action, String target, String... dependsOn) {
    return ReviewLoopTest.step(id, action, target, "work on " + target)
        .put("dependsOn", new JsonArray(List.of((Object[]) dependsOn)));
  }

  Http.Reply report(JsonObject agent, String planId, String stepId, JsonObject body) {
    return http()
        .post(
            "/api/v1/plans/" + planId + "/steps/" + stepId + "/report",
            agent.getString("token"),
            body);
  }

  static JsonObject succeeded(JsonObject... evidence) {
    JsonObject body = new JsonObject().put("status", "succeeded");
    return evidence.length == 0 ? body : body.put("evidence", new JsonArray(List.of(evidence)));
  }

  Http.Reply advance(JsonObject agent, String taskId, String to, JsonObject... evidence) {
    JsonObject body = new JsonObject().put("to", to);
    if (evidence.length > 0) {
      body.put("evidence", new JsonArray(List.of(evidence)));
    }
    return http().post("/api/v1/tasks/" + taskId + "/advance", agent.getString("token"), body);
  }

  JsonObject graph(JsonObject agent, String taskId) {
    Http.Reply reply = http().get("/api/v1/tasks/" + taskId + "/graph", agent.getString("token"));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  long auditEntries() {
    return http().get("/api/v1/audit/verify", admin).json().getLong("entries");
  }

  // ---- evidence ----

  static JsonObject fileEvidence(Path file) {
    return new JsonObject()
        .put("kind", "file")
        .put(
            "artifacts",
            new JsonArray()
                .add(new JsonObject().put("path", file.toString()).put("sha256", sha256(file))));
  }

  static JsonObject testReport(Path report) {
    return new JsonObject()
        .put("kind", "test-report")
        .put("artifacts", new JsonArray().add(new JsonObject().put("path", report.toString())));
  }

  static JsonObject scan(long itemsScanned) {
    return new JsonObject()
        .put("kind", "scan")
        .put("counts", new JsonObject().put("itemsScanned", itemsScanned).put("rulesExecuted", 120))
        .put("continue", true);
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JUnit XML report as Surefire writes it. */
  static Path junit(Path file, int tests, int failures) {
    StringBuilder cases = new StringBuilder();
    for (int i = 0; i < tests; i++) {
      cases.append("  <testcase name=\"case").append(i).append("\" classname=\"AppTest\">");
      if (i < failures) {
        cases.append("<failure message=\"expected 1 but was 2\"/>");
      }
      cases.append("</testcase>\n");
    }
    return write(
        file,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuite name=\"AppTest\" tests=\""
            + tests
            + "\" failures=\""
            + failures
            + "\" errors=\"0\" skipped=\"0\" time=\"0.1\">\n"
            + cases
            + "</testsuite>\n");
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs git in a folder and returns its output; fails the test if git fails. */
  static String git(Path dir, String... args) {
    try {
      List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      return output.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
