package dev.governor.plan;

import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.DecisionProposed;
import dev.governor.knowledge.bus.Messages.PlanAnalyzed;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.EscalationStatus;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Verdict;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Plan: turns a plan's findings into its decision with {@link DecisionPolicy}, and opens an
 * escalation, with its deadline, when the decision needs a person.
 */
public final class PlanVerticle extends VerticleBase {

  private final Clock clock;
  private Duration escalationTimeout;

  public PlanVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    escalationTimeout = Duration.ofSeconds(config().getLong("escalationTimeoutSeconds", 900L));
    return vertx.eventBus().consumer(Bus.ANALYZE_FINDINGS, this::decide).completion();
  }

  private void decide(Message<PlanAnalyzed> message) {
    PlanAnalyzed analyzed = message.body();
    Instant now = clock.instant();
    Decision decision =
        DecisionPolicy.decide(
            analyzed.plan(), analyzed.findings(), analyzed.ruleSetVersion(), now,
            UUID.randomUUID().toString());
    Escalation escalation = null;
    if (decision.verdict() == Verdict.ESCALATED) {
      escalation =
          new Escalation(
              decision.escalationId(), decision.planId(), decision.agentId(),
              EscalationStatus.PENDING, DecisionPolicy.escalationSeverity(decision), now,
              now.plus(escalationTimeout), null, null, null);
    }
    vertx
        .eventBus()
        .publish(
            Bus.PLAN_DECISIONS,
            new DecisionProposed(analyzed.plan(), analyzed.agent(), decision, escalation));
  }
}
