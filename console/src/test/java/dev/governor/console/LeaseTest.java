package dev.governor.console;

import static dev.governor.console.TaskFixture.fileEvidence;
import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static dev.governor.console.TaskFixture.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Leases with fencing tokens: two agents writing one resource. */
class LeaseTest {

  static final String ADMIN = "lease-admin";
  static final String RULE = "A write to a resource another agent holds a lease on is escalated";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  @Test
  @DisplayName(
      "Two agents writing one resource: the second is held off by the first's lease, and gets"
          + " through after the first reports; reads are never held off")
  void secondWriterWaitsForTheFirst() {
    String config = dir.resolve("config.yaml").toString();
    JsonObject first = fixture.agent("first", "fs.write:" + dir + "/**");
    JsonObject second = fixture.agent("second", "fs.write:" + dir + "/**");
    JsonObject held = fixture.decided(first, plan(null, step("s1", "fs.write", config)));
    assertThat(held.getString("verdict")).isEqualTo("APPROVED");
    JsonArray leases = fixture.http().get("/api/v1/leases", ADMIN).json().getJsonArray("leases");
    assertThat(leases).hasSize(1);
    long firstToken = leases.getJsonObject(0).getLong("fencingToken");
    assertThat(leases.getJsonObject(0).getString("agentId")).isEqualTo(first.getString("id"));

    JsonObject heldOff = fixture.decided(second, plan(null, step("s1", "fs.write", config)));
    JsonObject read = fixture.decided(second, plan(null, step("s1", "fs.read", config)));

    assertThat(heldOff.getString("verdict")).isEqualTo("ESCALATED");
    JsonObject finding = finding(heldOff, RULE);
    assertThat(finding.getString("message"))
        .contains("leased by agent " + first.getString("id"))
        .contains("fencing token " + firstToken);
    assertThat(read.getString("verdict")).isEqualTo("APPROVED");

    Path written = TaskFixture.write(Path.of(config), "replicas: 3");
    Http.Reply report =
        fixture.report(first, held.getString("planId"), "s1", succeeded(fileEvidence(written)));
    assertThat(report.json().getJsonObject("released").getLong("fencingToken"))
        .isEqualTo(firstToken);

    JsonObject through = fixture.decided(second, plan(null, step("s1", "fs.write", config)));

    assertThat(through.getString("verdict")).isEqualTo("APPROVED");
    JsonObject secondLease =
        fixture
            .http()
            .get("/api/v1/leases", second.getString("token"))
            .json()
            .getJsonArray("leases")
            .getJsonObject(0);
    assertThat(secondLease.getString("agentId")).isEqualTo(second.getString("id"));
    assertThat(secondLease.getLong("fencingToken")).isGreaterThan(firstToken);
    JsonArray history =
        fixture
            .http()
            .get("/api/v1/leases?resource=" + config, ADMIN)
            .json()
            .getJsonArray("leases");
    assertThat(history).hasSize(2);
    assertThat(history.getJsonObject(1).getString("releasedAt")).isNotNull();
  }

  @Test
  @DisplayName(
      "A backtest replays each plan with the leases held when it arrived: the active rules change"
          + " none of the decisions a lease made")
  void backtestSeesTheLeasesOfTheTime() {
    String config = dir.resolve("config.yaml").toString();
    JsonObject first = fixture.agent("first", "fs.write:" + dir + "/**");
    JsonObject second = fixture.agent("second", "fs.write:" + dir + "/**");
    JsonObject held = fixture.decided(first, plan(null, step("s1", "fs.write", config)));
    JsonObject heldOff = fixture.decided(second, plan(null, step("s1", "fs.write", config)));
    assertThat(heldOff.getString("verdict")).isEqualTo("ESCALATED");
    Path written = TaskFixture.write(Path.of(config), "replicas: 3");
    fixture.report(first, held.getString("planId"), "s1", succeeded(fileEvidence(written)));
    JsonObject through = fixture.decided(second, plan(null, step("s1", "fs.write", config)));
    assertThat(through.getString("verdict")).isEqualTo("APPROVED");

    int active = fixture.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active");
    JsonObject backtest =
        fixture.http().post("/api/v1/rulesets/" + active + "/backtest?limit=10", ADMIN, "").json();

    assertThat(backtest.getInteger("plans")).isEqualTo(3);
    assertThat(backtest.getJsonArray("changed")).as(backtest.encode()).isEmpty();
  }

  @Test
  @DisplayName(
      "An agent writing one resource again and again holds one lease, handed to its latest step")
  void repeatedWritesByOneAgentShareOneLease() {
    String table = dir.resolve("table.csv").toString();
    JsonObject job = fixture.agent("nightly-job", "fs.write:" + dir + "/**");
    JsonObject other = fixture.agent("other", "fs.write:" + dir + "/**");
    JsonObject last = null;
    for (int i = 0; i < 50; i++) {
      last = fixture.decided(job, plan(null, step("s1", "fs.write", table)));
      assertThat(last.getString("verdict")).isEqualTo("APPROVED");
    }
    JsonArray leases = fixture.http().get("/api/v1/leases", ADMIN).json().getJsonArray("leases");
    assertThat(leases).hasSize(1);
    assertThat(leases.getJsonObject(0).getString("planId")).isEqualTo(last.getString("planId"));

    // Held off while the job's latest step runs; through once that step reports.
    assertThat(
            fixture.decided(other, plan(null, step("s1", "fs.write", table))).getString("verdict"))
        .isEqualTo("ESCALATED");
    Http.Reply reported =
        fixture.report(
            job,
            last.getString("planId"),
            "s1",
            TaskFixture.succeeded(
                TaskFixture.fileEvidence(TaskFixture.write(java.nio.file.Path.of(table), "rows"))));
    assertThat(reported.status()).as(reported.json().encode()).isEqualTo(200);
    assertThat(
            fixture.decided(other, plan(null, step("s1", "fs.write", table))).getString("verdict"))
        .isEqualTo("APPROVED");
  }

  @Test
  @DisplayName(
      "A person who lets the held-off write through gives it a lease with a higher fencing token")
  void personApprovalTakesALease() {
    String config = dir.resolve("config.yaml").toString();
    JsonObject first = fixture.agent("first", "fs.write:" + dir + "/**");
    JsonObject second = fixture.agent("second", "fs.write:" + dir + "/**");
    fixture.decided(first, plan(null, step("s1", "fs.write", config)));
    long firstToken =
        fixture
            .http()
            .get("/api/v1/leases", ADMIN)
            .json()
            .getJsonArray("leases")
            .getJsonObject(0)
            .getLong("fencingToken");
    JsonObject heldOff = fixture.decided(second, plan(null, step("s1", "fs.write", config)));

    Http.Reply resolved =
        fixture
            .http()
            .post(
                "/api/v1/escalations/" + heldOff.getString("escalationId") + "/resolve",
                ADMIN,
                new JsonObject()
                    .put("resolution", "approve")
                    .put("reason", "the first writer is stuck; fence it off"));

    assertThat(resolved.status()).as(resolved.json().encode()).isEqualTo(200);
    JsonArray leases = fixture.http().get("/api/v1/leases", ADMIN).json().getJsonArray("leases");
    assertThat(leases).hasSize(2);
    JsonObject newest = leases.getJsonObject(1);
    assertThat(newest.getString("agentId")).isEqualTo(second.getString("id"));
    assertThat(newest.getLong("fencingToken")).isGreaterThan(firstToken);
  }

  static JsonObject finding(JsonObject decision, String rule) {
    return decision.getJsonArray("findings").stream()
        .map(JsonObject.class::cast)
        .filter(f -> f.getString("rule").equals(rule))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding of " + rule + " in " + decision));
  }
}
