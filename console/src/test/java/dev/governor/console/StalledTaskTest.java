package dev.governor.console;

import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog's other half: an open task with no progress within its time is raised to operators
 * as stalled (an alert, in the audit log), and the alert clears when the task moves again.
 */
class StalledTaskTest {

  private static final String ADMIN = "gvo_test-admin-token-for-stalls";

  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(
          ADMIN, Map.of("taskStallTimeoutSeconds", 1L, "watchdogSweepMillis", 100L));

  @TempDir Path dir;

  @Test
  void aTaskWithoutProgressIsRaisedAsStalledAndClearsWhenItMoves() {
    TaskFixture fixture = new TaskFixture(governor, ADMIN);
    JsonObject agent = fixture.agent("slowpoke", "fs.write:" + dir + "/**");
    String taskId = fixture.task(agent, "default", dir + "/**").getString("id");

    await().atMost(Duration.ofSeconds(10)).until(() -> stallAlerts("open", agent).size() == 1);
    JsonObject alert = stallAlerts("open", agent).get(0);
    assertThat(alert.getString("message")).contains("task " + taskId).contains("no progress");
    assertThat(auditTypes()).contains("alert.raised");

    // A plan in the task is progress: the alert clears.
    fixture.decided(agent, plan(taskId, step("s1", "fs.write", dir.resolve("a.txt").toString())));
    await().atMost(Duration.ofSeconds(10)).until(() -> stallAlerts("open", agent).isEmpty());
    assertThat(stallAlerts("all", agent))
        .singleElement()
        .satisfies(cleared -> assertThat(cleared.getString("clearedAt")).isNotBlank());
  }

  @Test
  void aFinishedTaskIsNotWatched() {
    TaskFixture fixture = new TaskFixture(governor, ADMIN);
    JsonObject busy = fixture.agent("busy", "fs.write:" + dir + "/**");
    JsonObject idle = fixture.agent("idle", "fs.write:" + dir + "/**");
    fixture.task(idle, "default", dir + "/**");
    String busyTask = fixture.task(busy, "default", dir + "/**").getString("id");
    // Keep the busy agent's task moving with plans while the idle one stalls.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              fixture.decided(
                  busy, plan(busyTask, step("s1", "fs.write", dir.resolve("b.txt").toString())));
              return stallAlerts("open", idle).size() == 1;
            });
    assertThat(stallAlerts("all", busy)).isEmpty();
  }

  private List<JsonObject> stallAlerts(String status, JsonObject agent) {
    return governor
        .http()
        .get("/api/v1/alerts?status=" + status, ADMIN)
        .json()
        .getJsonArray("alerts")
        .stream()
        .map(JsonObject.class::cast)
        .filter(a -> a.getString("agentId").equals(agent.getString("id")))
        .filter(a -> a.getString("kind").equals("task_stalled"))
        .toList();
  }

  private List<String> auditTypes() {
    return governor
        .http()
        .get("/api/v1/audit?after=0&limit=1000", ADMIN)
        .json()
        .getJsonArray("entries")
        .stream()
        .map(e -> ((JsonObject) e).getString("type"))
        .toList();
  }
}
