package dev.governor.execute;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.DecisionProposed;
import dev.governor.knowledge.bus.Messages.DecisionRecorded;
import dev.governor.knowledge.bus.Messages.EscalationAnswer;
import dev.governor.knowledge.bus.Messages.EscalationChanged;
import dev.governor.knowledge.bus.Messages.ReviewFailed;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.KnowledgeStore.Resolution;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Execute: the effectors. Records each decision (with its escalation) durably, then announces it,
 * which is what answers the waiting agent. Settles escalations by an operator's answer, and denies
 * those nobody answered in time. A decision that cannot be recorded is announced as a failed
 * review: nothing unrecorded is ever approved.
 */
public final class ExecuteVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExecuteVerticle.class);

  private final KnowledgeStore store;
  private final Clock clock;
  private Knowledge knowledge;
  private EventBus bus;
  private long expiryTimer;
  private boolean expiring;

  public ExecuteVerticle(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    knowledge = new Knowledge(vertx, store);
    bus = vertx.eventBus();
    expiryTimer =
        vertx.setPeriodic(config().getLong("escalationSweepMillis", 1000L), id -> expireOverdue());
    return Future.all(
        bus.consumer(Bus.PLAN_DECISIONS, this::record).completion(),
        bus.consumer(Bus.EXECUTE_RESOLVE_ESCALATION, this::resolve).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expiryTimer);
    return Future.succeededFuture();
  }

  private void record(Message<DecisionProposed> message) {
    DecisionProposed proposed = message.body();
    knowledge
        .write(s -> s.recordDecision(proposed.decision(), proposed.escalation()))
        .onSuccess(
            recorded -> {
              bus.publish(Bus.EXECUTE_DECISIONS, new DecisionRecorded(recorded));
              if (proposed.escalation() != null) {
                bus.publish(
                    Bus.EXECUTE_ESCALATIONS,
                    new EscalationChanged(proposed.escalation(), recorded));
              }
            })
        .onFailure(
            failure -> {
              LOG.error("Could not record the decision on plan {}", proposed.plan().id(), failure);
              bus.publish(
                  Bus.EXECUTE_FAILURES,
                  new ReviewFailed(
                      proposed.plan().id(),
                      proposed.agent().id(),
                      "the decision could not be recorded, so nothing was approved"));
            });
  }

  private void resolve(Message<EscalationAnswer> request) {
    EscalationAnswer answer = request.body();
    if (answer.verdict() == Verdict.ESCALATED) {
      request.fail(BusFailure.INVALID.code(), "invalid_request: an answer approves or denies");
      return;
    }
    knowledge
        .write(
            s ->
                s.resolveEscalation(
                    answer.escalationId(),
                    answer.verdict(),
                    answer.operator(),
                    answer.reason(),
                    clock.instant()))
        .onSuccess(
            resolution -> {
              announce(resolution);
              request.reply(new DecisionRecorded(resolution.decision()));
            })
        .onFailure(failure -> failReply(request, failure));
  }

  private void expireOverdue() {
    if (expiring) {
      return;
    }
    expiring = true;
    knowledge
        .write(s -> s.expireEscalations(clock.instant()))
        .onSuccess(resolutions -> resolutions.forEach(this::announce))
        .onFailure(failure -> LOG.error("Could not expire overdue escalations", failure))
        .onComplete(done -> expiring = false);
  }

  private void announce(Resolution resolution) {
    bus.publish(Bus.EXECUTE_DECISIONS, new DecisionRecorded(resolution.decision()));
    bus.publish(
        Bus.EXECUTE_ESCALATIONS,
        new EscalationChanged(resolution.escalation(), resolution.decision()));
  }

  private static void failReply(Message<?> request, Throwable failure) {
    if (failure instanceof KnowledgeException refused) {
      switch (refused.kind()) {
        case NOT_FOUND ->
            request.fail(BusFailure.NOT_FOUND.code(), "not_found: " + refused.getMessage());
        case CONFLICT ->
            request.fail(BusFailure.CONFLICT.code(), "already_resolved: " + refused.getMessage());
        case UNAVAILABLE, BUSY ->
            request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + refused.getMessage());
      }
      return;
    }
    LOG.error("Could not settle an escalation", failure);
    request.fail(BusFailure.INTERNAL.code(), "internal_error: " + failure.getMessage());
  }
}
