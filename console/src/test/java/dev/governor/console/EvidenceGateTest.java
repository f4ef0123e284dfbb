package dev.governor.console;

import static dev.governor.console.TaskFixture.fileEvidence;
import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.scan;
import static dev.governor.console.TaskFixture.step;
import static dev.governor.console.TaskFixture.succeeded;
import static dev.governor.console.TaskFixture.testReport;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Evidence envelopes and phase gates: "done" means done, with proof checked on this machine. */
class EvidenceGateTest {

  static final String ADMIN = "evidence-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  @Test
  @DisplayName(
      "A security scan that reports success with zero items scanned is not complete and blocks the"
          + " task's gate; a real scan opens it")
  void emptyScanBlocksTheGate() {
    JsonObject scanner = fixture.agent("scanner", "scan.*:/repo/**");
    JsonObject task = fixture.task(scanner, "security", "/repo/**");
    String taskId = task.getString("id");
    assertThat(task.getJsonArray("phases"))
        .containsExactly("plan", "implement", "scan", "review", "done");
    JsonObject decision =
        fixture.decided(scanner, plan(taskId, step("s1", "scan.run", "/repo/payments")));
    assertThat(decision.getString("verdict")).isEqualTo("APPROVED");
    assertThat(fixture.advance(scanner, taskId, "implement").status()).isEqualTo(200);

    Http.Reply empty =
        fixture.report(scanner, decision.getString("planId"), "s1", succeeded(scan(0)));

    assertThat(empty.status()).as(empty.json().encode()).isEqualTo(200);
    JsonObject report = empty.json().getJsonObject("report");
    assertThat(report.getString("state")).isEqualTo("INCOMPLETE");
    JsonObject check = report.getJsonArray("checks").getJsonObject(0);
    assertThat(check.getBoolean("ok")).isFalse();
    assertThat(check.getString("message")).contains("scanned 0 items");
    JsonObject graph = fixture.graph(scanner, taskId);
    assertThat(graph.getJsonArray("toRun").getJsonObject(0).getString("state"))
        .isEqualTo("INCOMPLETE");

    Http.Reply refused = fixture.advance(scanner, taskId, "scan");

    assertThat(refused.status()).as(refused.json().encode()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("gate_refused");
    assertThat(refused.json().getJsonObject("error").getJsonArray("missing").encode())
        .contains("step s1 of plan " + decision.getString("planId") + " is not complete")
        .contains("scanned 0 items");
    assertThat(fixture.graph(scanner, taskId).getString("phase")).isEqualTo("implement");

    Http.Reply real =
        fixture.report(scanner, decision.getString("planId"), "s1", succeeded(scan(2_400)));
    assertThat(real.json().getJsonObject("report").getString("state")).isEqualTo("COMPLETED");
    assertThat(fixture.advance(scanner, taskId, "scan").status()).isEqualTo(200);
    Http.Reply scanned = fixture.advance(scanner, taskId, "review");
    assertThat(scanned.status()).as(scanned.json().encode()).isEqualTo(200);
    assertThat(scanned.json().getString("phase")).isEqualTo("review");
  }

  @Test
  @DisplayName(
      "\"done\" with no evidence, or with a JUnit report of zero tests or a failing one, is refused;"
          + " a passing report moves the task to done")
  void doneNeedsPassingTests() {
    JsonObject coder = fixture.agent("coder", "fs.write:" + dir + "/**");
    String taskId = fixture.task(coder, "default", dir + "/**").getString("id");
    Path output = dir.resolve("src/App.java");
    JsonObject keyed =
        plan(taskId, step("s1", "fs.write", output.toString())).put("idempotencyKey", "app-1");
    JsonObject decision = fixture.decided(coder, keyed);
    assertThat(fixture.advance(coder, taskId, "implement").status()).isEqualTo(200);
    TaskFixture.write(output, "class App {}");
    Http.Reply written =
        fixture.report(coder, decision.getString("planId"), "s1", succeeded(fileEvidence(output)));
    assertThat(written.json().getJsonObject("report").getString("state")).isEqualTo("COMPLETED");
    assertThat(fixture.advance(coder, taskId, "review").status()).isEqualTo(200);
    long before = fixture.auditEntries();

    Http.Reply noEvidence = fixture.advance(coder, taskId, "done");
    Http.Reply zeroTests =
        fixture.advance(
            coder, taskId, "done", testReport(TaskFixture.junit(dir.resolve("zero.xml"), 0, 0)));
    Http.Reply failing =
        fixture.advance(
            coder, taskId, "done", testReport(TaskFixture.junit(dir.resolve("red.xml"), 5, 1)));

    assertThat(noEvidence.status()).isEqualTo(409);
    assertThat(noEvidence.json().getJsonObject("error").getJsonArray("missing").encode())
        .contains("evidence of kind test-report");
    assertThat(zeroTests.status()).isEqualTo(409);
    assertThat(zeroTests.json().getJsonObject("error").getString("message"))
        .contains("zero tests prove nothing");
    assertThat(failing.status()).isEqualTo(409);
    assertThat(failing.json().getJsonObject("error").getString("message"))
        .contains("1 of 5 tests failed");
    assertThat(fixture.auditEntries())
        .as("each refused gate is recorded, as Governor's decision")
        .isEqualTo(before + 3);
    JsonArray refusals =
        governor
            .http()
            .get("/api/v1/audit?type=task.gate_refused&subject=task:" + taskId, ADMIN)
            .json()
            .getJsonArray("entries");
    assertThat(refusals).hasSize(3);
    assertThat(refusals.getJsonObject(0).getString("actor"))
        .isEqualTo("agent:" + coder.getString("id"));
    assertThat(refusals.getJsonObject(1).getJsonObject("payload").encode())
        .contains("zero tests prove nothing");

    Http.Reply done =
        fixture.advance(
            coder, taskId, "done", testReport(TaskFixture.junit(dir.resolve("green.xml"), 12, 0)));

    assertThat(done.status()).as(done.json().encode()).isEqualTo(200);
    assertThat(done.json().getString("phase")).isEqualTo("done");
    assertThat(done.json().getBoolean("done")).isTrue();
    assertThat(fixture.advance(coder, taskId, "done").status())
        .as("advancing to the phase it is in is answered, not repeated")
        .isEqualTo(200);
    assertThat(fixture.auditEntries()).isEqualTo(before + 4);
    Http.Reply late =
        fixture.submit(coder, plan(taskId, step("s1", "fs.write", output.toString())));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.errorCode()).isEqualTo("task_done");
    Http.Reply retry = fixture.submit(coder, keyed);
    assertThat(retry.status())
        .as("a retry of an earlier plan still gets its answer")
        .isEqualTo(200);
    assertThat(retry.json().getString("planId")).isEqualTo(decision.getString("planId"));
  }

  @Test
  @DisplayName(
      "A step reported succeeded with no evidence, a wrong hash or a reporter that says stop is not"
          + " complete")
  void claimsWithoutProofAreIncomplete() {
    JsonObject coder = fixture.agent("coder", "fs.write:" + dir + "/**");
    String taskId = fixture.task(coder, "chore", dir + "/**").getString("id");
    Path file = TaskFixture.write(dir.resolve("notes.md"), "notes");
    JsonObject decision =
        fixture.decided(
            coder,
            plan(
                taskId,
                step("s1", "fs.write", file.toString()),
                step("s2", "fs.write", dir.resolve("b").toString()),
                step("s3", "fs.write", dir.resolve("c").toString())));
    String planId = decision.getString("planId");

    JsonObject bare = fixture.report(coder, planId, "s1", succeeded()).json();
    JsonObject wrongHash =
        fixture
            .report(
                coder,
                planId,
                "s2",
                succeeded(
                    fileEvidence(file)
                        .put(
                            "artifacts",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("path", file.toString())
                                        .put("sha256", "0".repeat(64))))))
            .json();
    JsonObject stop =
        fixture
            .report(coder, planId, "s3", succeeded(fileEvidence(file).put("continue", false)))
            .json();

    assertThat(bare.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(wrongHash.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(wrongHash.encode()).contains("not the stated");
    assertThat(stop.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(stop.encode()).contains("the reporter itself said stop");
    Http.Reply gate = fixture.advance(coder, taskId, "done");
    assertThat(gate.status()).isEqualTo(409);
    assertThat(gate.json().getJsonObject("error").getString("message"))
        .contains("reported succeeded with no evidence");
  }

  @Test
  @DisplayName(
      "Commit evidence is checked with git in a repository the agent's grants cover; a JUnit report"
          + " with a DOCTYPE is refused")
  void commitsAndHostileReports() {
    Path repository = dir.resolve("repo");
    TaskFixture.write(repository.resolve("README.md"), "hello");
    TaskFixture.git(repository, "init", "-q");
    TaskFixture.git(repository, "add", "README.md");
    TaskFixture.git(
        repository,
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.com",
        "commit",
        "-q",
        "-m",
        "first");
    String commit = TaskFixture.git(repository, "rev-parse", "HEAD");
    JsonObject reader =
        fixture.agent("committer", "git.commit:" + repository + "/**", "fs.write:" + dir + "/**");
    JsonObject stranger = fixture.agent("stranger", "git.commit:" + dir + "/elsewhere/**");
    JsonObject mine =
        fixture.decided(reader, plan(null, step("s1", "git.commit", repository + "/x")));
    JsonObject theirs =
        fixture.decided(reader, plan(null, step("s1", "git.commit", repository + "/y")));
    JsonObject missing =
        fixture.decided(reader, plan(null, step("s1", "git.commit", repository + "/z")));
    JsonObject hostile =
        fixture.decided(reader, plan(null, step("s1", "fs.write", dir + "/report.xml")));
    JsonObject strangers =
        fixture.decided(stranger, plan(null, step("s1", "git.commit", dir + "/elsewhere/a")));

    JsonObject found = commitReport(reader, mine.getString("planId"), repository, commit);
    JsonObject unknown =
        commitReport(reader, missing.getString("planId"), repository, "abcdef1234567");
    JsonObject ungranted =
        commitReport(stranger, strangers.getString("planId"), repository, commit);
    Path xxe =
        TaskFixture.write(
            dir.resolve("report.xml"),
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<testsuite tests=\"3\" failures=\"0\">&e;</testsuite>");
    JsonObject hostileReport =
        fixture
            .report(reader, hostile.getString("planId"), "s1", succeeded(testReport(xxe)))
            .json();

    assertThat(found.getJsonObject("report").getString("state")).isEqualTo("COMPLETED");
    assertThat(unknown.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(unknown.encode()).contains("is not in");
    assertThat(ungranted.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(ungranted.encode()).contains("no grant of agent");
    assertThat(hostileReport.getJsonObject("report").getString("state")).isEqualTo("INCOMPLETE");
    assertThat(hostileReport.encode()).contains("is not a JUnit XML report");
    assertThat(theirs.getString("verdict")).isEqualTo("APPROVED");
  }

  private JsonObject commitReport(JsonObject agent, String planId, Path repository, String commit) {
    Http.Reply reply =
        fixture.report(
            agent,
            planId,
            "s1",
            succeeded(
                new JsonObject()
                    .put("kind", "commit")
                    .put(
                        "artifacts",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("repository", repository.toString())
                                    .put("commit", commit)))));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }
}
