package dev.governor.knowledge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.AuditVerification;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.EscalationStatus;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The knowledge store on a real H2 file. */
class KnowledgeStoreTest {

  @TempDir Path dataDir;
  KnowledgeStore store;
  Agent agent;

  @BeforeEach
  void open() {
    store = KnowledgeStore.openH2(dataDir);
    agent =
        new Agent(
            "agent-1",
            "coder",
            "team",
            Environment.STAGING,
            List.of("fs.write:/tmp/**"),
            Budgets.NONE,
            Map.of("team", "blue"),
            Instant.now());
    store.registerAgent(agent, "hash-1", "operator:admin").join();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  @DisplayName("Concurrent writes form one contiguous chain that verifies")
  void concurrentWritesChain() {
    List<CompletableFuture<Long>> writes = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      writes.add(store.recordPlan(plan()));
    }
    List<Long> seqs = writes.stream().map(CompletableFuture::join).sorted().toList();

    assertThat(seqs).doesNotHaveDuplicates().hasSize(500);
    AuditVerification verification = store.verifyAudit();
    assertThat(verification.ok()).isTrue();
    assertThat(verification.entries()).isEqualTo(501);
  }

  @Test
  @DisplayName("A write that fails inside a batch fails alone and leaves no audit entry behind")
  void failedWriteFailsAlone() {
    List<CompletableFuture<Long>> good = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      good.add(store.recordPlan(plan()));
    }
    Plan orphan =
        new Plan(
            UUID.randomUUID().toString(),
            "no-such-agent",
            null,
            null,
            "x",
            List.of(step()),
            Instant.now());
    CompletableFuture<Long> bad = store.recordPlan(orphan);
    for (int i = 0; i < 50; i++) {
      good.add(store.recordPlan(plan()));
    }

    assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class);
    good.forEach(CompletableFuture::join);
    assertThat(store.plan(orphan.id())).isEmpty();
    AuditVerification verification = store.verifyAudit();
    assertThat(verification.ok()).isTrue();
    assertThat(verification.entries()).isEqualTo(101);
  }

  @Test
  @DisplayName("Verification names the first entry whose content was changed")
  void tamperedPayloadIsNamed() throws Exception {
    for (int i = 0; i < 5; i++) {
      store.recordPlan(plan()).join();
    }
    tamper("UPDATE audit_log SET payload = REPLACE(payload, 'goal', 'gaol') WHERE seq = 3");

    AuditVerification verification = store.verifyAudit();
    assertThat(verification.ok()).isFalse();
    assertThat(verification.firstBadSeq()).isEqualTo(3L);
    assertThat(verification.entries()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "Verification names the entry after a removed one, and one whose hash was recomputed")
  void removedAndRehashedEntriesAreNamed() throws Exception {
    for (int i = 0; i < 5; i++) {
      store.recordPlan(plan()).join();
    }
    tamper("DELETE FROM audit_log WHERE seq = 4");
    assertThat(store.verifyAudit().firstBadSeq()).isEqualTo(5L);

    tamper("DELETE FROM audit_log WHERE seq >= 4");
    List<AuditEntry> entries = store.audit(0, 10);
    AuditEntry second = entries.get(1);
    String forged =
        AuditChain.hash(
            new AuditEntry(
                second.seq(),
                second.at(),
                second.type(),
                "someone-else",
                second.subject(),
                second.payload(),
                second.prevHash(),
                ""));
    tamper("UPDATE audit_log SET actor = 'someone-else', hash = '" + forged + "' WHERE seq = 2");
    assertThat(store.verifyAudit().firstBadSeq()).isEqualTo(3L);
  }

  @Test
  @DisplayName("An escalation is settled once; a second answer is a conflict and changes nothing")
  void escalationSettlesOnce() {
    Plan plan = plan();
    store.recordPlan(plan).join();
    Instant now = Instant.now();
    Escalation escalation =
        new Escalation(
            "esc-1",
            plan.id(),
            agent.id(),
            EscalationStatus.PENDING,
            Severity.HIGH,
            now,
            now.plus(Duration.ofMinutes(15)),
            null,
            null,
            null);
    Decision decision =
        new Decision(
            plan.id(),
            agent.id(),
            Verdict.ESCALATED,
            List.of(new StepVerdict("s1", Verdict.ESCALATED)),
            List.of(new Finding("r", Severity.HIGH, "s1", "why", Verdict.ESCALATED)),
            1,
            Decision.BY_RULES,
            null,
            "esc-1",
            0,
            now);
    store.recordDecision(decision, escalation).join();

    KnowledgeStore.Resolution resolution =
        store.resolveEscalation("esc-1", Verdict.DENIED, "alice", "not today", now).join();

    assertThat(resolution.decision().verdict()).isEqualTo(Verdict.DENIED);
    assertThat(resolution.decision().decidedBy()).isEqualTo("operator:alice");
    assertThat(store.decision(plan.id()).orElseThrow().verdict()).isEqualTo(Verdict.DENIED);
    long entries = store.verifyAudit().entries();
    assertThatThrownBy(
            () -> store.resolveEscalation("esc-1", Verdict.APPROVED, "bob", "yes", now).join())
        .hasCauseInstanceOf(KnowledgeException.class);
    assertThat(store.verifyAudit().entries()).isEqualTo(entries);
    assertThat(store.decision(plan.id()).orElseThrow().verdict()).isEqualTo(Verdict.DENIED);
  }

  @Test
  @DisplayName("What was written is read back the same after the store is reopened")
  void reopenedStoreReadsTheSame() {
    Plan plan = plan();
    store.recordPlan(plan).join();
    store.close();
    store = KnowledgeStore.openH2(dataDir);

    assertThat(store.agent(agent.id())).contains(agent);
    assertThat(store.agentByTokenHash("hash-1")).contains(agent);
    assertThat(store.plan(plan.id())).contains(plan);
    store.recordPlan(plan()).join();
    assertThat(store.verifyAudit().ok()).isTrue();
  }

  private void tamper(String sql) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("governor"), "governor", "");
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  private Plan plan() {
    return new Plan(
        UUID.randomUUID().toString(),
        agent.id(),
        null,
        null,
        "goal",
        List.of(step()),
        Instant.now());
  }

  private static Step step() {
    return new Step("s1", "fs.read", "/tmp/x", "read", List.of("user"), List.of(), Map.of());
  }
}
