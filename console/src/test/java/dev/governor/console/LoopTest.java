package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.analyze.AnalyzeVerticle;
import dev.governor.execute.ExecuteVerticle;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.AgentRegistered;
import dev.governor.knowledge.bus.Messages.AgentRegistration;
import dev.governor.knowledge.bus.Messages.DecisionProposed;
import dev.governor.knowledge.bus.Messages.DecisionRecorded;
import dev.governor.knowledge.bus.Messages.EscalationChanged;
import dev.governor.knowledge.bus.Messages.PlanAnalyzed;
import dev.governor.knowledge.bus.Messages.PlanReceived;
import dev.governor.knowledge.bus.Messages.PlanSubmission;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.monitor.MonitorVerticle;
import dev.governor.plan.PlanVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The four stages on the real bus, without HTTP: each publishes what it produced, in order. */
@ExtendWith(VertxExtension.class)
class LoopTest {

  @TempDir Path dataDir;
  KnowledgeStore store;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext context) {
    store = KnowledgeStore.openH2(dataDir);
    Clock clock = Clock.systemUTC();
    RecordCodec.registerAll(vertx);
    vertx
        .deployVerticle(new ExecuteVerticle(store, clock))
        .compose(id -> vertx.deployVerticle(new PlanVerticle(clock)))
        .compose(id -> vertx.deployVerticle(new AnalyzeVerticle(store, clock)))
        .compose(id -> vertx.deployVerticle(new MonitorVerticle(store, clock)))
        .onComplete(context.succeedingThenComplete());
  }

  @AfterEach
  void close(Vertx vertx) throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    store.close();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "A plan goes Monitor → Analyze → Plan → Execute, each stage announcing its product once")
  void planGoesRoundTheLoop(Vertx vertx, VertxTestContext context) {
    vertx.getOrCreateContext().runOnContext(v -> observeAndSubmit(vertx, context));
  }

  private void observeAndSubmit(Vertx vertx, VertxTestContext context) {
    EventBus bus = vertx.eventBus();
    Checkpoint stages = context.checkpoint(5);
    bus.<PlanReceived>consumer(Bus.MONITOR_PLANS, m -> stages.flag());
    bus.<PlanAnalyzed>consumer(
        Bus.ANALYZE_FINDINGS,
        m ->
            context.verify(
                () -> {
                  assertThat(m.body().findings()).isNotEmpty();
                  stages.flag();
                }));
    bus.<DecisionProposed>consumer(Bus.PLAN_DECISIONS, m -> stages.flag());
    bus.<EscalationChanged>consumer(Bus.EXECUTE_ESCALATIONS, m -> stages.flag());
    bus.<DecisionRecorded>consumer(
        Bus.EXECUTE_DECISIONS,
        m ->
            context.verify(
                () -> {
                  assertThat(m.body().decision().verdict()).isEqualTo(Verdict.ESCALATED);
                  assertThat(m.body().decision().auditSeq()).isPositive();
                  assertThat(store.decision(m.body().decision().planId())).isPresent();
                  // Each stage consumes the one before, so order is causal; here, that Execute's
                  // decision
                  // holds what Analyze found and what Plan decided.
                  assertThat(m.body().decision().findings())
                      .extracting(f -> f.rule())
                      .contains(
                          "Destroying an environment, database or configuration is escalated outside production");
                  assertThat(m.body().decision().escalationId()).isNotNull();
                  stages.flag();
                }));

    bus.<AgentRegistered>request(
            Bus.MONITOR_REGISTER_AGENT,
            new AgentRegistration(
                "coder",
                "team",
                "staging",
                List.of("env.*:**"),
                null,
                Map.of(),
                Map.of(),
                "operator:test"))
        .compose(
            registered ->
                bus.request(
                    Bus.MONITOR_SUBMIT_PLAN,
                    new PlanSubmission(
                        UUID.randomUUID().toString(),
                        registered.body().agent(),
                        null,
                        null,
                        "reset",
                        List.of(
                            new Step(
                                "s1",
                                "env.delete",
                                "env:staging",
                                "recreate it",
                                List.of("user"),
                                List.of(),
                                Map.of())))))
        .onFailure(context::failNow);
  }
}
