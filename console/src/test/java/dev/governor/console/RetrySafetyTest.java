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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Idempotency keys on plans and step reports: every retry is safe. */
class RetrySafetyTest {

  static final String ADMIN = "retry-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  @Test
  @DisplayName(
      "A job that re-submits 1,000 steps after a timeout with the same keys gets 1,000 \"already"
          + " done\" answers, and the audit log grows by nothing")
  void thousandRetriedStepsAreAlreadyDone() throws Exception {
    // The batch file it offers as evidence lies under a grant: Governor reads nothing else.
    JsonObject job =
        fixture.agent("nightly-import", "db.insert:db:warehouse/**", "fs.read:" + dir + "/**");
    Path batch = TaskFixture.write(dir.resolve("batch.csv"), "id,amount\n1,10\n");
    JsonObject evidence = fileEvidence(batch);
    List<JsonObject> plans = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      JsonObject plan = new JsonObject().put("idempotencyKey", "night-42/plan-" + p);
      JsonArray steps = new JsonArray();
      for (int i = 0; i < 100; i++) {
        steps.add(step("row-" + i, "db.insert", "db:warehouse/rows/" + p + "-" + i));
      }
      plans.add(plan.put("goal", "import tonight's rows").put("steps", steps));
    }
    List<String> planIds = new ArrayList<>();
    for (JsonObject plan : plans) {
      JsonObject decision = fixture.decided(job, plan);
      assertThat(decision.getString("verdict")).isEqualTo("APPROVED");
      planIds.add(decision.getString("planId"));
    }
    List<Http.Reply> first = reportAll(job, planIds, evidence);
    assertThat(first)
        .allSatisfy(
            reply -> {
              assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
              assertThat(reply.json().getBoolean("alreadyDone")).isFalse();
              assertThat(reply.json().getJsonObject("report").getString("state"))
                  .isEqualTo("COMPLETED");
            });
    long before = fixture.auditEntries();

    List<String> retriedPlans = new ArrayList<>();
    for (JsonObject plan : plans) {
      retriedPlans.add(fixture.decided(job, plan).getString("planId"));
    }
    List<Http.Reply> retried = reportAll(job, planIds, evidence);

    assertThat(retriedPlans).isEqualTo(planIds);
    assertThat(retried).hasSize(1_000);
    assertThat(retried)
        .allSatisfy(
            reply -> {
              assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
              assertThat(reply.json().getBoolean("alreadyDone")).isTrue();
              assertThat(reply.json().getJsonObject("report").getString("state"))
                  .isEqualTo("COMPLETED");
            });
    assertThat(retried.stream().map(r -> r.json().getLong("auditSeq")).distinct())
        .as("each retry answers with the audit position recorded the first time")
        .hasSize(1_000);
    assertThat(fixture.auditEntries()).isEqualTo(before);
    assertThat(fixture.http().get("/api/v1/audit/verify", ADMIN).json().getBoolean("ok")).isTrue();
    assertThat(fixture.http().get("/api/v1/leases", ADMIN).json().getJsonArray("leases"))
        .as("every row's lease was released when its step reported")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "100 concurrent submissions of one plan with one key produce exactly one decision and one"
          + " audit entry; so do 100 concurrent reports of one step under one key")
  void concurrentSubmissionsMakeOneDecision() throws Exception {
    JsonObject agent = fixture.agent("eager", "fs.write:" + dir + "/**");
    String taskId = fixture.task(agent, "default", dir + "/**").getString("id");
    Path file = TaskFixture.write(dir.resolve("out.txt"), "out");
    JsonObject plan =
        plan(taskId, step("s1", "fs.write", file.toString())).put("idempotencyKey", "plan-key");
    long before = fixture.auditEntries();

    List<Http.Reply> answers = concurrently(100, () -> fixture.submit(agent, plan));

    assertThat(answers).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
    assertThat(answers.stream().map(r -> r.json().getString("planId")).distinct()).hasSize(1);
    assertThat(answers.stream().map(r -> r.json().getLong("auditSeq")).distinct()).hasSize(1);
    assertThat(auditTypesAfter(before)).containsExactly("plan.received", "decision.made");
    assertThat(fixture.graph(agent, taskId).getJsonArray("steps")).hasSize(1);
    String planId = answers.get(0).json().getString("planId");
    long beforeReports = fixture.auditEntries();

    List<Http.Reply> reports =
        concurrently(
            100,
            () ->
                fixture.report(
                    agent,
                    planId,
                    "s1",
                    succeeded(fileEvidence(file)).put("idempotencyKey", "report-key")));

    assertThat(reports).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
    assertThat(reports.stream().filter(r -> !r.json().getBoolean("alreadyDone"))).hasSize(1);
    assertThat(auditTypesAfter(beforeReports)).containsExactly("step.reported");
    Http.Reply changed =
        fixture.report(agent, planId, "s1", succeeded().put("idempotencyKey", "report-key"));
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.errorCode()).isEqualTo("idempotency_conflict");
  }

  private List<Http.Reply> reportAll(JsonObject job, List<String> planIds, JsonObject evidence)
      throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
      for (int p = 0; p < planIds.size(); p++) {
        for (int i = 0; i < 100; i++) {
          String planId = planIds.get(p);
          String stepId = "row-" + i;
          String key = "night-42/" + p + "/" + i;
          replies.add(
              CompletableFuture.supplyAsync(
                  () ->
                      fixture.report(
                          job, planId, stepId, succeeded(evidence).put("idempotencyKey", key)),
                  senders));
        }
      }
      return replies.stream().map(CompletableFuture::join).toList();
    } finally {
      senders.shutdown();
    }
  }

  private static List<Http.Reply> concurrently(int count, Supplier<Http.Reply> call) {
    ExecutorService senders = Executors.newFixedThreadPool(32);
    try {
      List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        replies.add(CompletableFuture.supplyAsync(call, senders));
      }
      return replies.stream().map(CompletableFuture::join).toList();
    } finally {
      senders.shutdown();
    }
  }

  private List<String> auditTypesAfter(long seq) {
    return fixture
        .http()
        .get("/api/v1/audit?after=" + seq + "&limit=1000", ADMIN)
        .json()
        .getJsonArray("entries")
        .stream()
        .map(e -> ((JsonObject) e).getString("type"))
        .toList();
  }
}
