package dev.governor.knowledge.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.EscalationStatus;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.LeaseRequest;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.StepState;
import dev.governor.knowledge.model.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases recorded with decisions, on a real H2 file. */
class LeaseStoreTest {

  @TempDir Path dataDir;
  KnowledgeStore store;

  @BeforeEach
  void open() {
    store = KnowledgeStore.openH2(dataDir);
    for (String id : List.of("a", "b")) {
      store
          .registerAgent(
              new Agent(
                  id,
                  id,
                  "team",
                  Environment.STAGING,
                  List.of("fs.write:/**"),
                  Budgets.NONE,
                  Map.of(),
                  Instant.now()),
              "hash-" + id,
              "operator:admin")
          .join();
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  @DisplayName(
      "Two approvals of one resource queued together: the writer grants the first and denies the"
          + " second, naming the holder; tokens only grow")
  void writerSettlesRaces() {
    Plan first = plan("a");
    Plan second = plan("b");
    store.recordPlan(first).join();
    store.recordPlan(second).join();

    CompletableFuture<LeaseStore.Recorded> one = record(first);
    CompletableFuture<LeaseStore.Recorded> two = record(second);

    assertThat(one.join().granted()).hasSize(1);
    assertThat(one.join().decision().verdict()).isEqualTo(Verdict.APPROVED);
    LeaseStore.Recorded refused = two.join();
    assertThat(refused.granted()).isEmpty();
    assertThat(refused.decision().verdict()).isEqualTo(Verdict.DENIED);
    assertThat(refused.decision().findings())
        .anySatisfy(
            f -> {
              assertThat(f.rule()).isEqualTo(LeaseStore.LEASED_DURING_REVIEW);
              assertThat(f.message()).contains("leased by agent a");
            });
    assertThat(store.decision(second.id()).orElseThrow().verdict()).isEqualTo(Verdict.DENIED);

    Lease held = one.join().granted().get(0);
    TaskStore.RecordedReport report =
        store
            .tasks()
            .recordStepReport(
                new StepReport(
                    first.id(),
                    "s1",
                    "a",
                    StepReport.StepStatus.FAILED,
                    Map.of(),
                    Instant.now(),
                    null,
                    List.of(),
                    List.of(),
                    StepState.FAILED),
                null,
                "hash")
            .join();
    assertThat(report.released().fencingToken()).isEqualTo(held.fencingToken());
    assertThat(store.leases().active(Instant.now())).isEmpty();

    Plan third = plan("b");
    store.recordPlan(third).join();
    Lease next = record(third).join().granted().get(0);
    assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
    assertThat(store.leases().active(next.expiresAt())).as("expired at its end").isEmpty();
  }

  @Test
  @DisplayName(
      "An escalation nobody answers is denied, and the leases its steps asked for are forgotten")
  void expiryForgetsLeaseRequests() throws Exception {
    Plan plan = plan("a");
    store.recordPlan(plan).join();
    Instant asked = Instant.now();
    String escalationId = UUID.randomUUID().toString();
    Decision decision =
        DecisionPolicy.decide(
            plan,
            List.of(new Finding("ask", Severity.HIGH, "s1", "a person decides", Verdict.ESCALATED)),
            1,
            asked,
            escalationId);
    Escalation escalation =
        new Escalation(
            escalationId,
            plan.id(),
            "a",
            EscalationStatus.PENDING,
            Severity.HIGH,
            asked,
            asked.plusSeconds(1),
            null,
            null,
            null);
    store
        .leases()
        .recordDecision(
            plan,
            decision,
            escalation,
            List.of(new LeaseRequest("s1", "/shared/config")),
            Duration.ofMinutes(5))
        .join();
    assertThat(leaseRequests()).isEqualTo(1);

    assertThat(store.expireEscalations(asked.plusSeconds(2)).join()).hasSize(1);

    assertThat(store.decision(plan.id()).orElseThrow().verdict()).isEqualTo(Verdict.DENIED);
    assertThat(leaseRequests()).isZero();
  }

  private long leaseRequests() throws SQLException {
    // The store's own file, opened in this JVM: H2 shares the open database.
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:h2:file:"
                    + dataDir.toAbsolutePath().resolve("governor")
                    + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64",
                "governor",
                "");
        ResultSet rows =
            connection.createStatement().executeQuery("SELECT COUNT(*) FROM lease_requests")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private CompletableFuture<LeaseStore.Recorded> record(Plan plan) {
    Decision decision =
        DecisionPolicy.decide(
            plan,
            List.of(new Finding("covered", Severity.INFO, "s1", "covered", Verdict.APPROVED)),
            1,
            Instant.now(),
            UUID.randomUUID().toString());
    return store
        .leases()
        .recordDecision(
            plan,
            decision,
            null,
            List.of(new LeaseRequest("s1", "/shared/config")),
            Duration.ofMinutes(5));
  }

  private static Plan plan(String agentId) {
    return new Plan(
        UUID.randomUUID().toString(),
        agentId,
        null,
        null,
        "write",
        List.of(new Step("s1", "fs.write", "/shared/config", "", List.of(), List.of(), Map.of())),
        Instant.now());
  }
}
