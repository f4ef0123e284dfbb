package dev.governor.console;

import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The task routes refuse bad input with a JSON error, and record nothing. */
class TaskContractTest {

  static final String ADMIN = "task-contract-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @Test
  @DisplayName(
      "Bad tasks, transitions, envelopes and plans get a 4xx JSON error and record nothing")
  void badInput() {
    JsonObject agent = fixture.agent("careful", "fs.write:/w/**");
    JsonObject other = fixture.agent("other", "fs.write:/w/**");
    String taskId = fixture.task(agent, "default", "/w/**").getString("id");
    JsonObject decision = fixture.decided(agent, plan(taskId, step("s1", "fs.write", "/w/a")));
    String report = "/api/v1/plans/" + decision.getString("planId") + "/steps/s1/report";
    String token = agent.getString("token");
    long before = fixture.auditEntries();

    assertError(fixture.openTask(agent, new JsonObject().put("goal", "no scope")), 400);
    assertError(fixture.openTask(agent, new JsonObject().put("scope", new JsonArray())), 400);
    Http.Reply unknownClass =
        fixture.openTask(
            agent,
            new JsonObject().put("scope", new JsonArray().add("/w/**")).put("classification", "x"));
    assertError(unknownClass, 400);
    assertThat(unknownClass.errorCode()).isEqualTo("unknown_classification");
    assertError(fixture.openTask(other, new JsonObject().put("scope", "/w/**")), 400);
    assertError(
        fixture
            .http()
            .post(
                "/api/v1/agents/" + agent.getString("id") + "/tasks",
                other.getString("token"),
                new JsonObject().put("scope", new JsonArray().add("/w/**"))),
        403);
    assertError(
        fixture.http().post("/api/v1/tasks/" + taskId + "/advance", token, new JsonObject()), 400);
    Http.Reply skipping = fixture.advance(agent, taskId, "done");
    assertError(skipping, 409);
    assertThat(skipping.errorCode()).isEqualTo("invalid_transition");
    assertError(fixture.advance(other, taskId, "implement"), 403);
    assertError(fixture.advance(agent, "no-such-task", "implement"), 404);
    assertError(
        fixture.http().post(report, token, TaskFixture.succeeded().put("evidence", "yes")), 400);
    assertError(
        fixture
            .http()
            .post(report, token, TaskFixture.succeeded(new JsonObject().put("kind", "Not A Kind"))),
        400);
    assertError(
        fixture
            .http()
            .post(
                report,
                token,
                TaskFixture.succeeded(
                    new JsonObject()
                        .put("kind", "file")
                        .put(
                            "artifacts",
                            new JsonArray()
                                .add(new JsonObject().put("path", "/w/a").put("sha256", "xyz"))))),
        400);
    assertError(
        fixture
            .http()
            .post(
                report,
                token,
                TaskFixture.succeeded(
                    new JsonObject()
                        .put("kind", "scan")
                        .put("counts", new JsonObject().put("itemsScanned", -1)))),
        400);
    assertError(fixture.submit(agent, plan("no-such-task", step("s1", "fs.write", "/w/a"))), 404);
    assertError(fixture.submit(other, plan(taskId, step("s1", "fs.write", "/w/a"))), 403);
    assertError(fixture.http().get("/api/v1/tasks/" + taskId, other.getString("token")), 403);
    assertError(fixture.http().get("/api/v1/tasks/" + taskId + "/graph", null), 401);

    assertThat(fixture.auditEntries()).isEqualTo(before);
    JsonObject task = fixture.http().get("/api/v1/tasks/" + taskId, ADMIN).json();
    assertThat(task.getString("phase")).isEqualTo("plan");
    assertThat(task.getJsonObject("next").getString("phase")).isEqualTo("implement");
    assertThat(task.getJsonObject("next").getJsonObject("exit").getString("condition"))
        .isEqualTo("a plan of the task is approved");
  }

  @Test
  @DisplayName("Opening a task twice under one key opens it once; a different task under it is 409")
  void taskKeys() {
    JsonObject agent = fixture.agent("careful", "fs.write:/w/**");
    JsonObject body =
        new JsonObject().put("idempotencyKey", "t-1").put("scope", new JsonArray().add("/w/**"));
    Http.Reply first = fixture.openTask(agent, body);
    long before = fixture.auditEntries();

    Http.Reply again = fixture.openTask(agent, body);
    Http.Reply different = fixture.openTask(agent, body.copy().put("goal", "something else"));

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.errorCode()).isEqualTo("idempotency_conflict");
    assertThat(fixture.auditEntries()).isEqualTo(before);
  }

  private static void assertError(Http.Reply reply, int status) {
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(status);
    assertThat(reply.json().getJsonObject("error").getString("code")).isNotBlank();
  }
}
