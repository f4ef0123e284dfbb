package dev.governor.plan;

import dev.governor.knowledge.Ids;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.Adaptation;
import dev.governor.knowledge.bus.Messages.Adapted;
import dev.governor.knowledge.bus.Messages.DecisionProposed;
import dev.governor.knowledge.bus.Messages.PlanAnalyzed;
import dev.governor.knowledge.bus.Messages.Symptom;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.EscalationStatus;
import dev.governor.knowledge.model.LeaseRequest;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Verdict;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plan: turns a plan's findings into its decision with {@link DecisionPolicy}, and opens an
 * escalation when the decision needs a person, with a deadline that depends on the severity of the
 * finding that asked for one. Its adaptation actions travel with the decision: a lease for each
 * approved step that writes a resource. It also turns Monitor's symptoms into adaptations ({@link
 * Adaptations}) and has Execute carry them out.
 */
public final class PlanVerticle extends VerticleBase {

  private final Clock clock;
  private final Map<Severity, Duration> escalationTimeouts = new EnumMap<>(Severity.class);

  public PlanVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    long fallback = config().getLong("escalationTimeoutSeconds", 900L);
    for (Severity severity : Severity.values()) {
      String key =
          "escalationTimeout"
              + severity.name().charAt(0)
              + severity.name().substring(1).toLowerCase(Locale.ROOT)
              + "Seconds";
      long seconds = config().getLong(key, 0L);
      escalationTimeouts.put(severity, Duration.ofSeconds(seconds > 0 ? seconds : fallback));
    }
    return Future.all(
        vertx.eventBus().consumer(Bus.ANALYZE_FINDINGS, this::decide).completion(),
        vertx.eventBus().consumer(Bus.PLAN_HANDLE_SYMPTOM, this::adapt).completion());
  }

  private void adapt(Message<Symptom> message) {
    Adaptation adaptation = Adaptations.of(message.body());
    vertx.eventBus().publish(Bus.PLAN_ADAPTATIONS, adaptation);
    vertx
        .eventBus()
        .<Adapted>request(Bus.EXECUTE_ADAPT, adaptation)
        .onSuccess(reply -> message.reply(reply.body()))
        .onFailure(
            failure ->
                message.fail(
                    BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage()));
  }

  private void decide(Message<PlanAnalyzed> message) {
    PlanAnalyzed analyzed = message.body();
    Instant now = clock.instant();
    Decision decision =
        DecisionPolicy.decide(
            analyzed.plan(), analyzed.findings(), analyzed.ruleSetVersion(), now, Ids.next());
    Escalation escalation = null;
    if (decision.verdict() == Verdict.ESCALATED) {
      Severity severity = DecisionPolicy.escalationSeverity(decision);
      escalation =
          new Escalation(
              decision.escalationId(),
              decision.planId(),
              decision.agentId(),
              EscalationStatus.PENDING,
              severity,
              now,
              now.plus(escalationTimeouts.get(severity)),
              null,
              null,
              null);
    }
    vertx
        .eventBus()
        .publish(
            Bus.PLAN_DECISIONS,
            new DecisionProposed(
                analyzed.plan(),
                analyzed.agent(),
                decision,
                escalation,
                leases(analyzed, decision)));
  }

  /**
   * The leases to take: one for each approved step that writes (or destroys) its target, and for
   * each escalated one, to take if a person approves it. Reads take none and are never held off.
   */
  static List<LeaseRequest> leases(PlanAnalyzed analyzed, Decision decision) {
    List<LeaseRequest> leases = new ArrayList<>();
    for (StepVerdict verdict : decision.steps()) {
      String effect = analyzed.effects().get(verdict.id());
      if (verdict.verdict() != Verdict.DENIED
          && ("write".equals(effect) || "destructive".equals(effect))) {
        analyzed.plan().steps().stream()
            .filter(step -> step.id().equals(verdict.id()) && !step.target().isBlank())
            .findFirst()
            .ifPresent(step -> leases.add(new LeaseRequest(step.id(), step.target())));
      }
    }
    return leases;
  }
}
