package dev.governor.console;

import static dev.governor.console.TaskFixture.fileEvidence;
import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static dev.governor.console.TaskFixture.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The execution graph kept outside the agent: a restarted agent resumes where it stopped. */
class ExecutionGraphTest {

  static final String ADMIN = "graph-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  /** How often the simulated agent carried out each step: a step run twice is a duplicate. */
  private final Map<String, Integer> runs = new HashMap<>();

  @Test
  @DisplayName(
      "A restarted agent resumes from the graph and never re-runs a completed step; paths not"
          + " taken stay visible")
  void restartedAgentResumes() throws Exception {
    JsonObject agent = fixture.agent("builder", "fs.write:" + dir + "/**");
    String taskId = fixture.task(agent, "default", dir + "/**").getString("id");
    JsonObject main =
        fixture.decided(
            agent,
            plan(
                taskId,
                step("s1", "fs.write", dir + "/a"),
                step("s2", "fs.write", dir + "/b", "s1"),
                step("s3", "fs.write", dir + "/c", "s2"),
                step("alt", "fs.write", dir + "/alt")));
    JsonObject outside = fixture.decided(agent, plan(taskId, step("x1", "fs.write", "/etc/hosts")));
    assertThat(main.getString("verdict")).isEqualTo("APPROVED");
    assertThat(outside.getString("verdict")).as("outside the task's scope").isEqualTo("DENIED");
    String planId = main.getString("planId");
    Http.Reply abandoned =
        fixture.report(agent, planId, "alt", new JsonObject().put("status", "abandoned"));
    assertThat(abandoned.status()).as(abandoned.json().encode()).isEqualTo(200);

    runAgent(agent, taskId, 1);
    governor.restart();
    JsonObject resumed = fixture.graph(agent, taskId);

    assertThat(ids(resumed, "toRun")).containsExactly("s2", "s3");
    assertThat(resumed.getJsonArray("toRun").getJsonObject(0).getBoolean("ready")).isTrue();
    assertThat(resumed.getJsonArray("toRun").getJsonObject(1).getBoolean("ready")).isFalse();
    assertThat(stateOf(resumed, "s1")).isEqualTo("COMPLETED");
    assertThat(stateOf(resumed, "alt")).isEqualTo("ABANDONED");
    assertThat(stateOf(resumed, "x1")).isEqualTo("DENIED");

    runAgent(agent, taskId, Integer.MAX_VALUE);

    assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of("s1", 1, "s2", 1, "s3", 1));
    JsonObject finished = fixture.graph(agent, taskId);
    assertThat(finished.getJsonArray("toRun")).isEmpty();
    assertThat(finished.getJsonArray("steps")).hasSize(5);
    Http.Reply again =
        fixture.report(
            agent,
            planId,
            "s1",
            succeeded(fileEvidence(dir.resolve("a"))).put("idempotencyKey", "build/s1"));
    assertThat(again.json().getBoolean("alreadyDone")).isTrue();
  }

  /**
   * A simple agent: asks for the graph, runs each ready step, reports it; stops after {@code n}.
   */
  private void runAgent(JsonObject agent, String taskId, int n) {
    int ran = 0;
    while (ran < n) {
      JsonObject ready =
          fixture.graph(agent, taskId).getJsonArray("toRun").stream()
              .map(JsonObject.class::cast)
              .filter(step -> step.getBoolean("ready"))
              .findFirst()
              .orElse(null);
      if (ready == null) {
        return;
      }
      String stepId = ready.getString("stepId");
      runs.merge(stepId, 1, Integer::sum);
      Path output = TaskFixture.write(Path.of(ready.getString("target")), "made by " + stepId);
      Http.Reply report =
          fixture.report(
              agent,
              ready.getString("planId"),
              stepId,
              succeeded(fileEvidence(output)).put("idempotencyKey", "build/" + stepId));
      assertThat(report.status()).as(report.json().encode()).isEqualTo(200);
      ran++;
    }
  }

  private static List<String> ids(JsonObject graph, String field) {
    return graph.getJsonArray(field).stream()
        .map(s -> ((JsonObject) s).getString("stepId"))
        .toList();
  }

  private static String stateOf(JsonObject graph, String stepId) {
    return graph.getJsonArray("steps").stream()
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("stepId").equals(stepId))
        .findFirst()
        .orElseThrow()
        .getString("state");
  }
}
