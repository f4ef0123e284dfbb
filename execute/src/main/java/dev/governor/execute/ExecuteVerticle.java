package dev.governor.execute;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.Adaptation;
import dev.governor.knowledge.bus.Messages.Adapted;
import dev.governor.knowledge.bus.Messages.AlertChanged;
import dev.governor.knowledge.bus.Messages.CircuitChanged;
import dev.governor.knowledge.bus.Messages.CommandIssued;
import dev.governor.knowledge.bus.Messages.DecisionProposed;
import dev.governor.knowledge.bus.Messages.DecisionRecorded;
import dev.governor.knowledge.bus.Messages.EscalationAnswer;
import dev.governor.knowledge.bus.Messages.EscalationChanged;
import dev.governor.knowledge.bus.Messages.LeasesGranted;
import dev.governor.knowledge.bus.Messages.OperatorCommand;
import dev.governor.knowledge.bus.Messages.ReviewFailed;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.AgentCommand;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.CircuitState;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.CircuitStore;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.KnowledgeStore.Resolution;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Execute: the effectors. Records each decision (with its escalation) durably, then announces it,
 * which is what answers the waiting agent. Settles escalations by an operator's answer, and denies
 * those nobody answered in time. A decision that cannot be recorded is announced as a failed
 * review: nothing unrecorded is ever approved.
 *
 * <p>Carries out adaptations and operators' commands on agents: moves circuits (see {@link
 * CircuitState} for the state machine), records and announces the commands pushed down agents'
 * command channels, raises and clears alerts; and moves circuits whose time is up: an open circuit
 * whose cool-down ended goes half-open, a half-open one whose probe never answered opens again.
 */
public final class ExecuteVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExecuteVerticle.class);
  private static final String GOVERNOR = "governor";

  /** The operator's command that closes a circuit; {@code resume} does the same. */
  static final String RESET = "reset";

  private final KnowledgeStore store;
  private final Clock clock;
  private Knowledge knowledge;
  private EventBus bus;
  private long expiryTimer;
  private boolean expiring;
  private Duration leaseTtl;
  private long circuitTimer;
  private boolean sweepingCircuits;
  private Duration coolDown;
  private Duration probeTimeout;

  public ExecuteVerticle(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    knowledge = new Knowledge(vertx, store);
    bus = vertx.eventBus();
    leaseTtl = Duration.ofSeconds(config().getLong("leaseTtlSeconds", 900L));
    expiryTimer =
        vertx.setPeriodic(config().getLong("escalationSweepMillis", 1000L), id -> expireOverdue());
    coolDown = Duration.ofSeconds(config().getLong("halfOpenAfterSeconds", 30L));
    probeTimeout = Duration.ofSeconds(config().getLong("probeTimeoutSeconds", 60L));
    circuitTimer =
        vertx.setPeriodic(config().getLong("circuitSweepMillis", 1000L), id -> sweepCircuits());
    return Future.all(
        bus.consumer(Bus.PLAN_DECISIONS, this::record).completion(),
        bus.consumer(Bus.EXECUTE_RESOLVE_ESCALATION, this::resolve).completion(),
        bus.consumer(Bus.EXECUTE_ADAPT, this::adapt).completion(),
        bus.consumer(Bus.EXECUTE_COMMAND_AGENT, this::command).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expiryTimer);
    vertx.cancelTimer(circuitTimer);
    return Future.succeededFuture();
  }

  // ---- circuits, commands, alerts ----

  private void adapt(Message<Adaptation> request) {
    Adaptation adaptation = request.body();
    String agentId = adaptation.agentId();
    Instant now = clock.instant();
    Future<Adapted> done =
        switch (adaptation.action()) {
          case OPEN_CIRCUIT ->
              move(
                  agentId,
                  c ->
                      c.isOpen()
                          ? null
                          : c.open(adaptation.trip(), adaptation.reason(), now, now.plus(coolDown)),
                  adaptation.actor(),
                  now);
          case CLOSE_CIRCUIT ->
              move(
                  agentId,
                  c ->
                      c.state() == CircuitState.HALF_OPEN
                          ? c.close(adaptation.reason(), now)
                          : null,
                  adaptation.actor(),
                  now);
          case REOPEN_CIRCUIT ->
              move(
                  agentId,
                  c ->
                      c.state() == CircuitState.HALF_OPEN
                          ? c.open(c.trip(), adaptation.reason(), now, now.plus(coolDown))
                          : null,
                  adaptation.actor(),
                  now);
          case RAISE_SILENCE_ALERT -> raiseAlert(agentId, Alert.SILENT, adaptation.reason(), now);
          case CLEAR_SILENCE_ALERT -> clearAlerts(agentId, Alert.SILENT, adaptation.actor(), now);
          case RAISE_STALL_ALERT ->
              raiseAlert(agentId, Alert.TASK_STALLED, adaptation.reason(), now);
          case CLEAR_STALL_ALERT ->
              clearAlerts(agentId, Alert.TASK_STALLED, adaptation.actor(), now);
        };
    done.onSuccess(request::reply).onFailure(failure -> failReply(request, failure));
  }

  private Future<Adapted> raiseAlert(String agentId, String kind, String reason, Instant now) {
    return knowledge
        .write(s -> s.circuits().raiseAlert(agentId, kind, reason, now))
        .map(
            raised -> {
              raised.ifPresent(alert -> bus.publish(Bus.EXECUTE_ALERTS, new AlertChanged(alert)));
              return current(agentId);
            });
  }

  private Future<Adapted> clearAlerts(String agentId, String kind, String actor, Instant now) {
    return knowledge
        .write(s -> s.circuits().clearAlerts(agentId, kind, actor, now))
        .map(
            cleared -> {
              cleared.forEach(alert -> bus.publish(Bus.EXECUTE_ALERTS, new AlertChanged(alert)));
              return current(agentId);
            });
  }

  private void command(Message<OperatorCommand> request) {
    OperatorCommand command = request.body();
    knowledge
        .read(s -> s.agent(command.agentId()).isPresent())
        .compose(
            known -> {
              if (!known) {
                return Future.failedFuture(
                    new KnowledgeException(
                        KnowledgeException.Kind.NOT_FOUND, "no agent " + command.agentId()));
              }
              return carryOut(command);
            })
        .onSuccess(request::reply)
        .onFailure(
            failure -> {
              if (failure instanceof KnowledgeException refused
                  && refused.kind() == KnowledgeException.Kind.NOT_FOUND) {
                request.fail(BusFailure.NOT_FOUND.code(), "unknown_agent: " + refused.getMessage());
              } else if (failure instanceof IllegalStateException conflict) {
                request.fail(
                    BusFailure.CONFLICT.code(), "circuit_closed: " + conflict.getMessage());
              } else {
                failReply(request, failure);
              }
            });
  }

  private Future<Adapted> carryOut(OperatorCommand command) {
    String agentId = command.agentId();
    String actor = "operator:" + command.actor();
    String reason =
        command.reason() == null || command.reason().isBlank()
            ? ""
            : ": " + command.reason().strip();
    Instant now = clock.instant();
    return switch (command.command()) {
      case AgentCommand.PAUSE ->
          move(
              agentId,
              c ->
                  c.isOpen()
                      ? null
                      : c.open(
                          Circuit.OPERATOR, "paused by " + command.actor() + reason, now, null),
              actor,
              now);
      case AgentCommand.RESUME, RESET -> {
        if (store.circuits().circuit(agentId).state() == CircuitState.CLOSED) {
          yield Future.failedFuture(
              new IllegalStateException(
                  "the circuit of agent " + agentId + " is closed; there is nothing to resume"));
        }
        yield move(
            agentId,
            c ->
                c.state() == CircuitState.CLOSED
                    ? null
                    : c.close("reset by " + command.actor() + reason, now),
            actor,
            now);
      }
      case AgentCommand.ABORT ->
          knowledge
              .write(
                  s ->
                      s.circuits()
                          .recordCommand(
                              agentId,
                              AgentCommand.ABORT,
                              "aborted by " + command.actor() + reason,
                              actor,
                              now))
              .map(
                  sent -> {
                    bus.publish(Bus.EXECUTE_COMMANDS, new CommandIssued(sent));
                    return new Adapted(store.circuits().circuit(agentId), sent);
                  });
      default ->
          Future.failedFuture(new IllegalArgumentException("unknown command " + command.command()));
    };
  }

  private void sweepCircuits() {
    if (sweepingCircuits) {
      return;
    }
    Instant now = clock.instant();
    List<Circuit> due =
        store.circuits().notClosed().stream()
            .filter(c -> c.dueAt() != null && !c.dueAt().isAfter(now))
            .toList();
    if (due.isEmpty()) {
      return;
    }
    sweepingCircuits = true;
    Future<?> chain = Future.succeededFuture();
    for (Circuit circuit : due) {
      chain =
          chain.compose(
              v ->
                  move(circuit.agentId(), c -> dueMove(c, now), GOVERNOR, now)
                      .recover(
                          failure -> {
                            LOG.error(
                                "Could not move the circuit of {}", circuit.agentId(), failure);
                            return Future.succeededFuture();
                          }));
    }
    chain.onComplete(done -> sweepingCircuits = false);
  }

  private Circuit dueMove(Circuit circuit, Instant now) {
    if (circuit.dueAt() == null || circuit.dueAt().isAfter(now)) {
      return null;
    }
    if (circuit.state() == CircuitState.OPEN && Circuit.coolsDown(circuit.trip())) {
      return circuit.halfOpen(now, now.plus(probeTimeout));
    }
    if (circuit.state() == CircuitState.HALF_OPEN) {
      return circuit.open(
          circuit.trip(),
          "probe timed out: no tool call reported within "
              + probeTimeout.toSeconds()
              + " s of going half-open",
          now,
          now.plus(coolDown));
    }
    return null;
  }

  /** Moves a circuit in the writer, then announces the move, its command and its alerts. */
  private Future<Adapted> move(
      String agentId, UnaryOperator<Circuit> step, String actor, Instant now) {
    return knowledge
        .write(s -> s.circuits().transition(agentId, step, CircuitEffects::command, actor, now))
        .map(
            change -> {
              if (change.isEmpty()) {
                return current(agentId);
              }
              announce(change.get());
              return new Adapted(change.get().after(), change.get().command());
            });
  }

  private void announce(CircuitStore.Change change) {
    LOG.info(
        "Circuit of agent {}: {} -> {} ({})",
        change.after().agentId(),
        change.before().state(),
        change.after().state(),
        change.after().reason());
    bus.publish(Bus.EXECUTE_CIRCUITS, new CircuitChanged(change.before(), change.after()));
    if (change.command() != null) {
      bus.publish(Bus.EXECUTE_COMMANDS, new CommandIssued(change.command()));
    }
    if (change.raised() != null) {
      bus.publish(Bus.EXECUTE_ALERTS, new AlertChanged(change.raised()));
    }
    change.cleared().forEach(alert -> bus.publish(Bus.EXECUTE_ALERTS, new AlertChanged(alert)));
  }

  private Adapted current(String agentId) {
    return new Adapted(store.circuits().circuit(agentId), null);
  }

  /**
   * Records the decision and takes the leases it grants in one write; the leases are announced
   * before the decision, so a plan sent after the agent heard its answer is analyzed knowing them.
   */
  private void record(Message<DecisionProposed> message) {
    DecisionProposed proposed = message.body();
    knowledge
        .write(
            s ->
                s.leases()
                    .recordDecision(
                        proposed.plan(),
                        proposed.decision(),
                        proposed.escalation(),
                        proposed.leases(),
                        leaseTtl))
        .onSuccess(
            recorded -> {
              if (!recorded.granted().isEmpty()) {
                bus.publish(Bus.EXECUTE_LEASES, new LeasesGranted(recorded.granted()));
              }
              bus.publish(Bus.EXECUTE_DECISIONS, new DecisionRecorded(recorded.decision()));
              if (recorded.escalation() != null) {
                bus.publish(
                    Bus.EXECUTE_ESCALATIONS,
                    new EscalationChanged(recorded.escalation(), recorded.decision()));
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
                s.leases()
                    .resolveEscalation(
                        answer.escalationId(),
                        answer.verdict(),
                        answer.operator(),
                        answer.reason(),
                        clock.instant(),
                        leaseTtl))
        .onSuccess(
            settled -> {
              if (!settled.granted().isEmpty()) {
                bus.publish(Bus.EXECUTE_LEASES, new LeasesGranted(settled.granted()));
              }
              announce(settled.resolution());
              request.reply(new DecisionRecorded(settled.resolution().decision()));
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
