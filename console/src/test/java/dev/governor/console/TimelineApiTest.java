package dev.governor.console;

import static dev.governor.console.TaskFixture.fileEvidence;
import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static dev.governor.console.TaskFixture.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The timelines of an agent and of a task, read from what Governor recorded. */
class TimelineApiTest {

  static final String ADMIN = "gvo_timeline-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  /** What {@link #story} did, for the assertions. */
  record Story(JsonObject agent, String taskId, String escalatedPlan, String writingPlan) {}

  /**
   * An agent in a task: a plan escalated and approved by a person, a write approved with a lease,
   * its step reported with a file as evidence (the lease released), the task through a gate, then
   * the agent paused (its circuit tripped) and its circuit reset.
   */
  static Story story(TaskFixture fixture, Path dir, String admin) {
    JsonObject agent = fixture.agent("coder", "fs.write:" + dir + "/**", "env.delete:env:main");
    String taskId = fixture.task(agent, "default", dir + "/**", "env:main").getString("id");
    JsonObject escalated =
        fixture.decided(
            agent,
            plan(taskId, step("s1", "env.delete", "env:main"))
                .put("goal", "delete and recreate the environment"));
    assertThat(escalated.getString("verdict")).as(escalated.encode()).isEqualTo("ESCALATED");
    Http.Reply resolved =
        fixture
            .http()
            .post(
                "/api/v1/escalations/" + escalated.getString("escalationId") + "/resolve",
                admin,
                new JsonObject()
                    .put("resolution", "approve")
                    .put("reason", "it is a sandbox copy"));
    assertThat(resolved.status()).as(resolved.json().encode()).isEqualTo(200);
    Path file = dir.resolve("notes.md");
    JsonObject writing =
        fixture.decided(agent, plan(taskId, step("s1", "fs.write", file.toString())));
    assertThat(writing.getString("verdict")).isEqualTo("APPROVED");
    TaskFixture.write(file, "notes");
    Http.Reply reported =
        fixture.report(agent, writing.getString("planId"), "s1", succeeded(fileEvidence(file)));
    assertThat(reported.json().getJsonObject("report").getString("state")).isEqualTo("COMPLETED");
    assertThat(fixture.advance(agent, taskId, "implement").status()).isEqualTo(200);
    String agentPath = "/api/v1/agents/" + agent.getString("id");
    Http.Reply paused =
        fixture
            .http()
            .post(
                agentPath + "/commands",
                admin,
                new JsonObject().put("command", "pause").put("reason", "maintenance window"));
    assertThat(paused.status()).as(paused.json().encode()).isEqualTo(200);
    Http.Reply reset =
        fixture
            .http()
            .post(
                agentPath + "/circuit/reset",
                admin,
                new JsonObject().put("reason", "maintenance is over"));
    assertThat(reset.status()).as(reset.json().encode()).isEqualTo(200);
    return new Story(agent, taskId, escalated.getString("planId"), writing.getString("planId"));
  }

  @Test
  @DisplayName(
      "An agent's timeline shows, newest first, its circuit reset and trip with their commands, the"
          + " gate, the step with its checked evidence and lease, the approved and the escalated plan")
  void agentTimelineInOrder() {
    Story story = story(fixture, dir, ADMIN);

    Http.Reply reply = timeline("agents", story.agent().getString("id"), "", ADMIN);

    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    assertThat(reply.json().getValue("next")).isNull();
    List<JsonObject> events = events(reply);
    // The pause raised an alert and the reset cleared it; alerts are not what this test is about.
    List<JsonObject> trace =
        events.stream().filter(e -> !e.getString("kind").equals("alert")).toList();
    assertThat(trace.stream().map(e -> e.getString("kind") + " " + e.getString("type")).toList())
        .containsExactly(
            "command command.issued",
            "circuit circuit.closed",
            "command command.issued",
            "circuit circuit.open",
            "gate task.advanced",
            "lease step.reported",
            "step step.reported",
            "lease decision.made",
            "decision decision.made",
            "plan plan.received",
            "lease escalation.resolved",
            "escalation escalation.resolved",
            "escalation escalation.opened",
            "decision decision.made",
            "plan plan.received",
            "task task.opened",
            "agent agent.registered");
    assertThat(positions(events)).isSortedAccordingTo((a, b) -> Long.compare(b, a));

    assertThat(trace.get(0).getString("summary")).contains("resume");
    assertThat(trace.get(1).getString("summary")).startsWith("Circuit reset");
    assertThat(trace.get(3).getString("summary"))
        .isEqualTo("Circuit tripped (operator): paused by admin: maintenance window");
    JsonObject gate = only(events, "gate");
    assertThat(gate.getString("taskId")).isEqualTo(story.taskId());
    assertThat(gate.getJsonObject("details").getString("to")).isEqualTo("implement");
    JsonObject step = only(events, "step");
    assertThat(step.getString("planId")).isEqualTo(story.writingPlan());
    JsonObject stepDetails = step.getJsonObject("details");
    assertThat(stepDetails.getString("state")).isEqualTo("COMPLETED");
    assertThat(stepDetails.getJsonArray("evidence").getJsonObject(0).getString("kind"))
        .isEqualTo("file");
    assertThat(stepDetails.getJsonArray("checks").getJsonObject(0).getBoolean("ok")).isTrue();
    List<JsonObject> leases = of(events, "lease");
    assertThat(leases.get(0).getJsonObject("details").getString("state")).isEqualTo("released");
    assertThat(leases.get(1).getJsonObject("details").getString("state")).isEqualTo("granted");
    assertThat(leases.get(1).getJsonObject("details").getLong("fencingToken"))
        .isEqualTo(leases.get(0).getJsonObject("details").getLong("fencingToken"));
    assertThat(leases.get(2).getJsonObject("details").getString("resource")).isEqualTo("env:main");
    assertThat(leases.get(2).getString("summary")).startsWith("Lease granted on env:main");
    JsonObject escalatedDecision = of(events, "decision").get(1);
    assertThat(escalatedDecision.getString("planId")).isEqualTo(story.escalatedPlan());
    assertThat(escalatedDecision.getJsonObject("details").getString("verdict"))
        .isEqualTo("ESCALATED");
    JsonObject finding =
        escalatedDecision.getJsonObject("details").getJsonArray("findings").getJsonObject(0);
    assertThat(finding.getString("stepId")).isEqualTo("s1");
    assertThat(finding.getString("rule")).isNotBlank();
    assertThat(finding.getString("severity")).isNotBlank();
    JsonObject resolution = of(events, "escalation").get(0);
    assertThat(resolution.getJsonObject("details").getString("resolvedBy"))
        .isEqualTo("operator:admin");
    assertThat(resolution.getJsonObject("details").getString("reason"))
        .isEqualTo("it is a sandbox copy");
    assertThat(of(events, "plan").get(1).getJsonObject("details").getString("goal"))
        .isEqualTo("delete and recreate the environment");
  }

  @Test
  @DisplayName(
      "A task's timeline holds its plans, decisions, step, leases and gate, and not the agent's"
          + " circuit")
  void taskTimeline() {
    Story story = story(fixture, dir, ADMIN);
    fixture.decided(story.agent(), plan(null, step("s1", "fs.read", dir + "/other")));

    Http.Reply reply = timeline("tasks", story.taskId(), "", ADMIN);

    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    assertThat(events(reply).stream().map(e -> e.getString("kind")).toList())
        .containsExactly(
            "gate",
            "lease",
            "step",
            "lease",
            "decision",
            "plan",
            "lease",
            "escalation",
            "escalation",
            "decision",
            "plan",
            "task");
  }

  @Test
  @DisplayName("A refused gate is on the task's timeline with what was missing")
  void refusedGate() {
    JsonObject agent = fixture.agent("hasty", "fs.write:" + dir + "/**");
    String taskId = fixture.task(agent, "default", dir + "/**").getString("id");
    Http.Reply refused = fixture.advance(agent, taskId, "implement");
    assertThat(refused.status()).as(refused.json().encode()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("gate_refused");

    List<JsonObject> events = events(timeline("tasks", taskId, "", ADMIN));

    assertThat(events.stream().map(e -> e.getString("kind")).toList())
        .containsExactly("gate", "task");
    JsonObject gate = events.get(0);
    assertThat(gate.getString("type")).isEqualTo("task.gate_refused");
    assertThat(gate.getString("summary")).startsWith("Gate refused: plan → implement; missing: ");
    assertThat(gate.getJsonObject("details").getString("state")).isEqualTo("refused");
    assertThat(gate.getJsonObject("details").getJsonArray("missing")).isNotEmpty();
    assertThat(of(events(timeline("agents", agent.getString("id"), "", ADMIN)), "gate")).hasSize(1);
  }

  @Test
  @DisplayName("Pages follow next until it is null, and together are the whole timeline")
  void paging() {
    Story story = story(fixture, dir, ADMIN);
    String agentId = story.agent().getString("id");
    List<Long> whole = positions(events(timeline("agents", agentId, "", ADMIN)));

    List<Long> paged = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String query = "?limit=3";
    while (true) {
      Http.Reply page = timeline("agents", agentId, query, ADMIN);
      assertThat(page.status()).as(page.json().encode()).isEqualTo(200);
      List<Long> positions = positions(events(page));
      sizes.add((int) positions.stream().distinct().count());
      paged.addAll(positions);
      Long next = page.json().getLong("next");
      if (next == null) {
        break;
      }
      assertThat(positions).allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(next));
      query = "?limit=3&before=" + next;
    }

    assertThat(paged).isEqualTo(whole);
    assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(size -> size == 3);
    assertThat(sizes).hasSizeGreaterThan(3);
  }

  @Test
  @DisplayName("An agent's token may not read timelines; unknown agents and tasks are 404")
  void refusals() {
    Story story = story(fixture, dir, ADMIN);
    String agentToken = story.agent().getString("token");

    Http.Reply byAgent = timeline("agents", story.agent().getString("id"), "", agentToken);
    assertThat(byAgent.status()).isEqualTo(403);
    assertThat(byAgent.errorCode()).isEqualTo("forbidden");
    assertThat(timeline("tasks", story.taskId(), "", agentToken).status()).isEqualTo(403);
    Http.Reply noAgent = timeline("agents", "no-such-agent", "", ADMIN);
    assertThat(noAgent.status()).isEqualTo(404);
    assertThat(noAgent.errorCode()).isEqualTo("unknown_agent");
    Http.Reply noTask = timeline("tasks", "no-such-task", "", ADMIN);
    assertThat(noTask.status()).isEqualTo(404);
    assertThat(noTask.errorCode()).isEqualTo("unknown_task");
    assertThat(timeline("tasks", story.taskId(), "?limit=1001", ADMIN).status()).isEqualTo(400);
  }

  private Http.Reply timeline(String kind, String id, String query, String token) {
    return governor.http().get("/api/v1/" + kind + "/" + id + "/timeline" + query, token);
  }

  static List<JsonObject> events(Http.Reply reply) {
    JsonArray events = reply.json().getJsonArray("events");
    List<JsonObject> list = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      list.add(events.getJsonObject(i));
    }
    return list;
  }

  private static List<Long> positions(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("position")).toList();
  }

  private static List<JsonObject> of(List<JsonObject> events, String kind) {
    return events.stream().filter(e -> e.getString("kind").equals(kind)).toList();
  }

  private static JsonObject only(List<JsonObject> events, String kind) {
    List<JsonObject> found = of(events, kind);
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
