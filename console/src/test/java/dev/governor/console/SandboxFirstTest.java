package dev.governor.console;

import static dev.governor.console.TaskFixture.fileEvidence;
import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static dev.governor.console.TaskFixture.succeeded;
import static dev.governor.console.TaskFixture.testReport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandbox first, over HTTP: a production agent's writes are escalated until agents of its name and
 * owner have brought enough tasks through every phase gate in sandbox; reads never wait.
 */
class SandboxFirstTest {

  private static final String ADMIN = "gvo_test-admin-token-for-sandbox";
  private static final String RULE =
      "A production agent without a clean sandbox record has its writes escalated";

  @RegisterExtension
  final RunningGovernor governor = new RunningGovernor(ADMIN, Map.of("sandboxTasksRequired", 1));

  @TempDir Path dir;

  @Test
  void productionWritesAreEscalatedUntilTheSandboxTwinFinishesATask() {
    TaskFixture fixture = new TaskFixture(governor, ADMIN);
    JsonObject production = register("builder", "production", "fs.write:" + dir + "/**");
    JsonObject sandbox = register("builder", "sandbox", "fs.write:" + dir + "/**");
    JsonObject stranger = register("other-builder", "sandbox", "fs.write:" + dir + "/**");
    JsonObject write = plan(null, step("s1", "fs.write", dir.resolve("prod.txt").toString()));
    JsonObject read = plan(null, step("s1", "fs.read", dir.resolve("prod.txt").toString()));

    JsonObject before = fixture.decided(production, write);
    assertThat(before.getString("verdict")).isEqualTo("ESCALATED");
    assertThat(before.getJsonArray("findings").encode())
        .contains(RULE)
        .contains("finished 0 of the 1 evidence-backed sandbox tasks");
    assertThat(fixture.decided(production, read).getString("verdict")).isEqualTo("APPROVED");

    // Another name's record does not count.
    finishTask(fixture, stranger, "stranger");
    assertThat(fixture.decided(production, write.copy()).getString("verdict"))
        .isEqualTo("ESCALATED");

    finishTask(fixture, sandbox, "twin");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(fixture.decided(production, write.copy()).getString("verdict"))
                    .isEqualTo("APPROVED"));
  }

  @Test
  void theRecordSurvivesARestart() throws Exception {
    TaskFixture fixture = new TaskFixture(governor, ADMIN);
    JsonObject production = register("builder", "production", "fs.write:" + dir + "/**");
    JsonObject sandbox = register("builder", "sandbox", "fs.write:" + dir + "/**");
    finishTask(fixture, sandbox, "twin");

    governor.restart();

    JsonObject write = plan(null, step("s1", "fs.write", dir.resolve("prod.txt").toString()));
    assertThat(new TaskFixture(governor, ADMIN).decided(production, write).getString("verdict"))
        .isEqualTo("APPROVED");
  }

  @Test
  @DisplayName(
      "A backtest replays a production write with the sandbox record of its time: escalated"
          + " before the twin finished, it stays escalated though the record is clean now")
  void backtestUsesTheRecordOfTheTime() {
    TaskFixture fixture = new TaskFixture(governor, ADMIN);
    JsonObject production = register("builder", "production", "fs.write:" + dir + "/**");
    JsonObject sandbox = register("builder", "sandbox", "fs.write:" + dir + "/**");
    JsonObject write = plan(null, step("s1", "fs.write", dir.resolve("prod.txt").toString()));
    assertThat(fixture.decided(production, write).getString("verdict")).isEqualTo("ESCALATED");
    finishTask(fixture, sandbox, "twin");

    int active = governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active");
    JsonObject backtest =
        governor
            .http()
            .post("/api/v1/rulesets/" + active + "/backtest?limit=100", ADMIN, "")
            .json();

    assertThat(backtest.getInteger("plans")).isEqualTo(2);
    assertThat(backtest.getJsonArray("changed")).as(backtest.encode()).isEmpty();
  }

  /** One task through plan → implement → review → done, with real evidence at each gate. */
  private void finishTask(TaskFixture fixture, JsonObject agent, String name) {
    String taskId = fixture.task(agent, "default", dir + "/**").getString("id");
    Path output = dir.resolve(name + ".txt");
    JsonObject decision =
        fixture.decided(agent, plan(taskId, step("s1", "fs.write", output.toString())));
    assertThat(decision.getString("verdict")).isEqualTo("APPROVED");
    assertThat(fixture.advance(agent, taskId, "implement").status()).isEqualTo(200);
    TaskFixture.write(output, "work of " + name);
    Http.Reply reported =
        fixture.report(agent, decision.getString("planId"), "s1", succeeded(fileEvidence(output)));
    assertThat(reported.json().getJsonObject("report").getString("state")).isEqualTo("COMPLETED");
    assertThat(fixture.advance(agent, taskId, "review").status()).isEqualTo(200);
    Http.Reply done =
        fixture.advance(
            agent,
            taskId,
            "done",
            testReport(TaskFixture.junit(dir.resolve(name + "-tests.xml"), 3, 0)));
    assertThat(done.status()).as(done.json().encode()).isEqualTo(200);
  }

  private JsonObject register(String name, String environment, String... grants) {
    Http.Reply reply =
        governor
            .http()
            .post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration(name, environment)
                    .put("grants", new JsonArray(List.of((Object[]) grants))));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }
}
