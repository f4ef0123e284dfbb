package dev.governor.monitor;

import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.ActionEffectOverride;
import dev.governor.knowledge.bus.Messages.ActionEffectSet;
import dev.governor.knowledge.bus.Messages.AgentJoined;
import dev.governor.knowledge.bus.Messages.AgentRegistered;
import dev.governor.knowledge.bus.Messages.AgentRegistration;
import dev.governor.knowledge.bus.Messages.BudgetsChange;
import dev.governor.knowledge.bus.Messages.BudgetsChanged;
import dev.governor.knowledge.bus.Messages.Heartbeat;
import dev.governor.knowledge.bus.Messages.HeartbeatRecorded;
import dev.governor.knowledge.bus.Messages.PlanAccepted;
import dev.governor.knowledge.bus.Messages.PlanReceived;
import dev.governor.knowledge.bus.Messages.PlanSubmission;
import dev.governor.knowledge.bus.Messages.StepReportSubmission;
import dev.governor.knowledge.bus.Messages.StepReported;
import dev.governor.knowledge.bus.Messages.Symptom;
import dev.governor.knowledge.bus.Messages.SymptomKind;
import dev.governor.knowledge.bus.Messages.TaskAdvance;
import dev.governor.knowledge.bus.Messages.TaskAdvanced;
import dev.governor.knowledge.bus.Messages.TaskOpened;
import dev.governor.knowledge.bus.Messages.TaskOpening;
import dev.governor.knowledge.bus.Messages.TelemetryAccepted;
import dev.governor.knowledge.bus.Messages.TelemetryBatch;
import dev.governor.knowledge.bus.Messages.UsageQuery;
import dev.governor.knowledge.bus.Messages.UsageReport;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.CircuitState;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.GrantSyntax;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.StepState;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.TaskGraph;
import dev.governor.knowledge.model.TelemetryEvent;
import dev.governor.knowledge.model.Usage;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.TaskStore;
import dev.governor.monitor.evidence.EvidenceVerifiers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitor: the sensors. Takes in what agents and operators send, checks it, records it and passes
 * valid plans on to Analyze. Keeps each agent's running figures (usage per task, tool-call error
 * rate, last heartbeat), checks them against the agent's budgets, runs the watchdog, and hands what
 * it notices to Plan as symptoms.
 *
 * <p>A plan is queued for recording and published in the same step: the store's single writer
 * applies writes in order, so the decision that Execute records later can never be durable without
 * its plan.
 */
public final class MonitorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);
  private static final int NAME_LIMIT = 200;
  private static final long USAGE_FLUSH_MILLIS = 200;

  private final KnowledgeStore store;
  private final Clock clock;
  private Knowledge knowledge;
  private int maxSteps;
  private int maxGrants;
  private IdempotencyKeys keys;
  private EvidenceVerifiers verifiers;
  private PhasePaths phasePaths;
  private final Map<String, Figures> figures = new HashMap<>();
  private Duration errorWindow;
  private long errorRateMinCalls;
  private double errorRateThreshold;
  private Duration heartbeatTimeout;
  private TaskWatch taskWatch;
  private RetryStorms retryStorms;
  private long watchdogTimer;
  private long flushTimer;
  private final Map<String, Usage> unflushedUsage = new HashMap<>();

  public MonitorVerticle(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    knowledge = new Knowledge(vertx, store);
    maxSteps = config().getInteger("maxStepsPerPlan", 100);
    maxGrants = config().getInteger("maxGrants", 200);
    keys = new IdempotencyKeys(config().getInteger("idempotencyKeysInMemory", 100_000));
    verifiers =
        EvidenceVerifiers.load(Duration.ofSeconds(config().getLong("gitTimeoutSeconds", 10L)));
    phasePaths = PhasePaths.load(config().getString("phasesFile", ""), verifiers::knows);
    errorWindow = Duration.ofSeconds(config().getLong("errorRateWindowSeconds", 60L));
    errorRateMinCalls = config().getLong("errorRateMinCalls", 10L);
    errorRateThreshold = config().getDouble("errorRateThreshold", 0.5);
    heartbeatTimeout = Duration.ofSeconds(config().getLong("heartbeatTimeoutSeconds", 60L));
    taskWatch =
        new TaskWatch(Duration.ofSeconds(config().getLong("taskStallTimeoutSeconds", 1800L)));
    retryStorms =
        new RetryStorms(
            config().getInteger("retryStormLimit", 0),
            Duration.ofSeconds(config().getLong("retryStormWindowSeconds", 60L)),
            100_000);
    store.telemetry().capacity(config().getLong("telemetryQueueEvents", 200_000L));
    return knowledge
        .read(
            s ->
                new Known(s.telemetry().usage(), s.telemetry().heartbeats(), s.tasks().openTasks()))
        .compose(this::listen);
  }

  private record Known(List<Usage> usage, Map<String, Instant> heartbeats, List<Task> openTasks) {}

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(watchdogTimer);
    vertx.cancelTimer(flushTimer);
    return flushUsage();
  }

  /** Writes the steps and plans counted since the last flush. */
  private Future<Void> flushUsage() {
    if (unflushedUsage.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Usage> increments = List.copyOf(unflushedUsage.values());
    unflushedUsage.clear();
    return knowledge
        .write(s -> s.telemetry().recordUsage(increments))
        .onFailure(
            failure -> {
              LOG.warn("Could not record the steps of recent plans; will try again", failure);
              increments.forEach(
                  usage ->
                      unflushedUsage.merge(
                          usage.agentId() + "\n" + usage.taskId(), usage, Usage::plus));
            });
  }

  private void usage(Message<UsageQuery> request) {
    Figures agent = figures.get(request.body().agentId());
    if (agent == null) {
      request.reply(new UsageReport(request.body().agentId(), List.of(), null, false));
      return;
    }
    request.reply(
        new UsageReport(
            request.body().agentId(),
            List.copyOf(agent.tasks()),
            agent.watched ? agent.lastHeard : null,
            agent.silent));
  }

  private Future<?> listen(Known known) {
    known.usage().forEach(usage -> figures(usage.agentId()).add(usage));
    // Silence is counted from this start at the earliest: Governor heard nothing while it was down.
    Instant started = clock.instant();
    known
        .heartbeats()
        .forEach(
            (agentId, at) -> {
              Figures agent = figures(agentId);
              agent.watched = true;
              agent.lastHeard = at.isAfter(started) ? at : started;
            });
    known
        .openTasks()
        .forEach(
            task ->
                taskWatch.open(
                    task.id(),
                    task.agentId(),
                    task.updatedAt().isAfter(started) ? task.updatedAt() : started));
    watchdogTimer =
        vertx.setPeriodic(config().getLong("watchdogSweepMillis", 1000L), id -> watchdog());
    flushTimer = vertx.setPeriodic(USAGE_FLUSH_MILLIS, id -> flushUsage());
    return Future.all(
        List.of(
            vertx.eventBus().consumer(Bus.MONITOR_INGEST_TELEMETRY, this::ingest).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_HEARTBEAT, this::heartbeat).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_USAGE, this::usage).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_SET_BUDGETS, this::setBudgets).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_OPEN_TASK, this::openTask).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_ADVANCE_TASK, this::advanceTask).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_REGISTER_AGENT, this::registerAgent).completion(),
            vertx.eventBus().consumer(Bus.MONITOR_SUBMIT_PLAN, this::submitPlan).completion(),
            vertx
                .eventBus()
                .consumer(Bus.MONITOR_SET_ACTION_EFFECT, this::setActionEffect)
                .completion(),
            vertx.eventBus().consumer(Bus.MONITOR_REPORT_STEP, this::reportStep).completion()));
  }

  // ---- telemetry, heartbeats, budgets, the watchdog ----

  private void ingest(Message<TelemetryBatch> request) {
    TelemetryBatch batch = request.body();
    String agentId = batch.agent().id();
    Instant now = clock.instant();
    Collection<Usage> increments = Figures.increments(agentId, batch.events(), now);
    knowledge
        .write(
            s ->
                s.telemetry()
                    .recordBatch(
                        agentId, now, batch.events().size(), batch.eventsJson(), increments))
        .compose(
            seq -> {
              Figures agent = figures(agentId);
              increments.forEach(agent::add);
              long calls = 0;
              long failed = 0;
              for (TelemetryEvent event : batch.events()) {
                calls += event.isToolCall() ? 1 : 0;
                failed += event.failed() ? 1 : 0;
              }
              agent.countCalls(now, calls, failed);
              List<Symptom> symptoms =
                  telemetrySymptoms(batch.agent(), agent, increments, calls, failed, now);
              return heard(agentId, now)
                  .compose(v -> report(agentId, symptoms))
                  .map(circuit -> new TelemetryAccepted(batch.events().size(), seq, circuit));
            })
        .onSuccess(request::reply)
        .onFailure(failure -> failWrite(request, "telemetry", failure));
  }

  private List<Symptom> telemetrySymptoms(
      Agent agent,
      Figures figures,
      Collection<Usage> increments,
      long calls,
      long failed,
      Instant now) {
    Circuit circuit = store.circuits().circuit(agent.id());
    List<Symptom> symptoms = new ArrayList<>();
    if (circuit.state() == CircuitState.HALF_OPEN && calls > 0) {
      figures.forgetErrors();
      if (failed > 0) {
        symptoms.add(
            symptom(
                agent.id(),
                SymptomKind.PROBE_FAILED,
                "probe failed: " + failed + " of " + calls + " tool calls failed",
                now));
        return symptoms;
      }
      symptoms.add(
          symptom(
              agent.id(),
              SymptomKind.PROBE_CLEAN,
              "probe succeeded: " + calls + " tool calls, none failed",
              now));
    }
    if (circuit.isOpen()) {
      return symptoms;
    }
    List<String> crossed =
        figures.crossedBudgets(budgets(agent), increments.stream().map(Usage::taskId).toList());
    if (!crossed.isEmpty()) {
      symptoms.add(
          symptom(agent.id(), SymptomKind.BUDGET_CROSSED, String.join("; ", crossed), now));
      return symptoms;
    }
    double threshold =
        budgets(agent).maxErrorRate() != null ? budgets(agent).maxErrorRate() : errorRateThreshold;
    String errorRate = figures.errorRateCrossed(now, errorRateMinCalls, threshold);
    if (errorRate != null) {
      figures.forgetErrors();
      symptoms.add(symptom(agent.id(), SymptomKind.ERROR_RATE, errorRate, now));
    }
    return symptoms;
  }

  private void heartbeat(Message<Heartbeat> request) {
    String agentId = request.body().agentId();
    Instant now = clock.instant();
    knowledge
        .write(s -> s.telemetry().recordHeartbeat(agentId, now))
        .compose(
            v -> {
              figures(agentId).watched = true;
              return heard(agentId, now);
            })
        .onSuccess(
            v ->
                request.reply(
                    new HeartbeatRecorded(agentId, now, store.circuits().circuit(agentId))))
        .onFailure(failure -> failWrite(request, "heartbeat", failure));
  }

  /** A watched agent was heard from; if it was silent, that is news. */
  private Future<Circuit> heard(String agentId, Instant now) {
    Figures agent = figures(agentId);
    if (!agent.watched) {
      return Future.succeededFuture(null);
    }
    agent.lastHeard = now;
    if (!agent.silent) {
      return Future.succeededFuture(null);
    }
    agent.silent = false;
    return report(
        agentId, List.of(symptom(agentId, SymptomKind.HEARD_AGAIN, "heard from again", now)));
  }

  /** A task moved: if that ends the agent's only stall, its alert clears. */
  private void taskProgressed(String taskId, boolean finished) {
    if (taskId == null) {
      return;
    }
    Instant now = clock.instant();
    String agentId = finished ? taskWatch.finished(taskId) : taskWatch.progressed(taskId, now);
    if (agentId != null) {
      report(
          agentId,
          List.of(symptom(agentId, SymptomKind.TASK_PROGRESSED, "task " + taskId + " moved", now)));
    }
  }

  private void watchdog() {
    Instant now = clock.instant();
    figures.forEach(
        (agentId, agent) -> {
          if (agent.watched
              && !agent.silent
              && agent.lastHeard != null
              && agent.lastHeard.plus(heartbeatTimeout).isBefore(now)) {
            agent.silent = true;
            report(
                agentId,
                List.of(
                    symptom(
                        agentId,
                        SymptomKind.SILENT,
                        "no heartbeat for "
                            + Duration.between(agent.lastHeard, now).toMillis() / 1000.0
                            + " s (timeout "
                            + heartbeatTimeout.toSeconds()
                            + " s)",
                        now)));
          }
        });
    for (TaskWatch.Stall stall : taskWatch.sweep(now)) {
      report(
          stall.agentId(),
          List.of(
              symptom(
                  stall.agentId(),
                  SymptomKind.TASK_STALLED,
                  "task "
                      + stall.taskId()
                      + " made no progress for "
                      + stall.idle().toMillis() / 1000.0
                      + " s (timeout "
                      + taskWatch.timeout().toSeconds()
                      + " s)",
                  now)));
    }
  }

  private void setBudgets(Message<BudgetsChange> request) {
    BudgetsChange change = request.body();
    Budgets budgets = change.budgets() == null ? Budgets.NONE : change.budgets();
    if (budgets.maxErrorRate() != null
        && (budgets.maxErrorRate() <= 0 || budgets.maxErrorRate() > 1)) {
      Problem.invalid(
              "invalid_request", "maxErrorRate is a share of tool calls, above 0 and at most 1")
          .failReply(request);
      return;
    }
    knowledge
        .write(s -> s.updateBudgets(change.agentId(), budgets, change.actor(), clock.instant()))
        .onSuccess(
            agent -> {
              BudgetsChanged changed = new BudgetsChanged(agent);
              request.reply(changed);
              vertx.eventBus().publish(Bus.MONITOR_BUDGETS, changed);
            })
        .onFailure(
            failure -> {
              if (failure instanceof KnowledgeException missing
                  && missing.kind() == KnowledgeException.Kind.NOT_FOUND) {
                request.fail(BusFailure.NOT_FOUND.code(), "unknown_agent: " + missing.getMessage());
              } else {
                failWrite(request, "budgets", failure);
              }
            });
  }

  /**
   * Publishes each symptom and hands it to Plan, one after the other; the result is the agent's
   * circuit after the last adaptation. A symptom Plan could not act on is logged, not fatal: the
   * figures that caused it are kept and will cause it again.
   */
  private Future<Circuit> report(String agentId, List<Symptom> symptoms) {
    Future<Circuit> chain = Future.succeededFuture(store.circuits().circuit(agentId));
    for (Symptom symptom : symptoms) {
      chain =
          chain.compose(
              previous -> {
                vertx.eventBus().publish(Bus.MONITOR_SYMPTOMS, symptom);
                return vertx
                    .eventBus()
                    .<dev.governor.knowledge.bus.Messages.Adapted>request(
                        Bus.PLAN_HANDLE_SYMPTOM, symptom)
                    .map(reply -> reply.body().circuit())
                    .recover(
                        failure -> {
                          LOG.error("No adaptation for symptom {}", symptom, failure);
                          return Future.succeededFuture(store.circuits().circuit(agentId));
                        });
              });
    }
    return chain;
  }

  private Figures figures(String agentId) {
    return figures.computeIfAbsent(agentId, id -> new Figures(id, errorWindow));
  }

  private static Budgets budgets(Agent agent) {
    return agent.budgets() == null ? Budgets.NONE : agent.budgets();
  }

  private static Symptom symptom(String agentId, SymptomKind kind, String message, Instant at) {
    return new Symptom(agentId, kind, message, at);
  }

  private static void failWrite(Message<?> request, String what, Throwable failure) {
    if (failure instanceof KnowledgeException refused
        && refused.kind() == KnowledgeException.Kind.BUSY) {
      request.fail(BusFailure.BUSY.code(), "busy: " + refused.getMessage());
    } else {
      LOG.error("Could not record {}", what, failure);
      request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
    }
  }

  private void registerAgent(Message<AgentRegistration> request) {
    AgentRegistration registration = request.body();
    Optional<Problem> problem = registrationProblem(registration);
    if (problem.isPresent()) {
      problem.get().failReply(request);
      return;
    }
    Agent agent =
        new Agent(
            UUID.randomUUID().toString(),
            registration.name().strip(),
            registration.owner().strip(),
            Environment.fromWire(registration.environment()),
            registration.grants() == null ? List.of() : registration.grants(),
            registration.budgets(),
            registration.labels(),
            clock.instant(),
            tools(registration.tools()));
    String token = Secrets.newToken("gva_");
    knowledge
        .write(s -> s.registerAgent(agent, Secrets.tokenHash(token), registration.actor()))
        .onSuccess(
            registered -> {
              request.reply(new AgentRegistered(registered.agent(), token, registered.auditSeq()));
              vertx
                  .eventBus()
                  .publish(
                      Bus.MONITOR_AGENTS,
                      new AgentJoined(registered.agent(), registered.auditSeq()));
            })
        .onFailure(
            failure -> {
              LOG.error("Could not record the registration of agent {}", agent.name(), failure);
              request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
            });
  }

  /** What a step report is checked against: the plan, its decision, and earlier reports. */
  private record ReportContext(
      Optional<Plan> plan,
      Optional<Decision> decision,
      Optional<TaskStore.PriorReport> prior,
      Optional<TaskStore.KeyedReport> keyed) {}

  /**
   * Checks a step report, answers a repeated one with the recorded answer (without verifying or
   * recording anything), verifies the evidence of a new one off the event loop, and records it with
   * the state the evidence earns: the lease the step held is released in the same write.
   */
  private void reportStep(Message<StepReportSubmission> request) {
    StepReportSubmission submission = request.body();
    String key = submission.idempotencyKey();
    String hash = StepReports.contentHash(submission);
    knowledge
        .read(
            s ->
                new ReportContext(
                    s.plan(submission.planId()),
                    s.decision(submission.planId()),
                    s.tasks().priorReport(submission.planId(), submission.stepId()),
                    key == null
                        ? Optional.empty()
                        : s.tasks().reportByKey(submission.agent().id(), key)))
        .compose(
            found -> {
              Optional<Problem> problem =
                  StepReports.problem(submission, found.plan(), found.decision());
              if (problem.isPresent()) {
                problem.get().failReply(request);
                return Future.succeededFuture();
              }
              Optional<TaskStore.RecordedReport> earlier = earlierAnswer(submission, found, hash);
              if (earlier.isPresent()) {
                request.reply(reported(earlier.get()));
                return Future.succeededFuture();
              }
              Plan plan = found.plan().get();
              return vertx
                  .executeBlocking(
                      () -> verifiers.verify(StepReports.evidence(submission), submission.agent()),
                      false)
                  .compose(
                      checks -> {
                        StepReport report = StepReports.report(submission, clock.instant(), checks);
                        Resource created = StepReports.created(plan, report);
                        return knowledge.write(
                            s -> s.tasks().recordStepReport(report, created, hash));
                      })
                  .onSuccess(
                      recorded -> {
                        StepReported reported = reported(recorded);
                        if (!recorded.alreadyDone()) {
                          taskProgressed(plan.taskId(), false);
                          // Announced before the reply: a plan the agent sends next is analyzed
                          // knowing what this step created and released.
                          vertx.eventBus().publish(Bus.MONITOR_STEP_REPORTS, reported);
                        }
                        request.reply(reported);
                      })
                  .mapEmpty();
            })
        .onFailure(failure -> failWrite(request, failure, "Could not record a step report"));
  }

  /**
   * The recorded answer to this same report, if it was made before: under the same key, or of a
   * step already completed or abandoned. A different report there is a conflict.
   */
  private static Optional<TaskStore.RecordedReport> earlierAnswer(
      StepReportSubmission submission, ReportContext found, String hash) {
    if (found.keyed().isPresent()) {
      TaskStore.KeyedReport keyed = found.keyed().get();
      if (keyed.planId().equals(submission.planId())
          && keyed.stepId().equals(submission.stepId())
          && keyed.contentHash().equals(hash)) {
        return Optional.of(TaskStore.answer(keyed.answer()));
      }
      throw new KnowledgeException(
          KnowledgeException.Kind.CONFLICT,
          "idempotency_conflict: the idempotency key \""
              + submission.idempotencyKey()
              + "\" was used for a different report (step "
              + keyed.stepId()
              + " of plan "
              + keyed.planId()
              + ")");
    }
    if (found.prior().isPresent()
        && (found.prior().get().state() == StepState.COMPLETED
            || found.prior().get().state() == StepState.ABANDONED)
        && hash.equals(found.prior().get().contentHash())
        && submission.idempotencyKey() == null) {
      return Optional.of(TaskStore.answer(found.prior().get().answer()));
    }
    return Optional.empty();
  }

  private static StepReported reported(TaskStore.RecordedReport recorded) {
    return new StepReported(
        recorded.report(),
        recorded.created(),
        recorded.released(),
        recorded.auditSeq(),
        recorded.alreadyDone());
  }

  /** A refusal the store made (its message starts with a code) or the store being unavailable. */
  private static void failWrite(Message<?> request, Throwable failure, String what) {
    if (failure instanceof KnowledgeException refused
        && refused.kind() != KnowledgeException.Kind.UNAVAILABLE) {
      String message = refused.getMessage();
      int colon = message.indexOf(": ");
      boolean coded = colon > 0 && message.substring(0, colon).matches("[a-z_]+");
      BusFailure kind =
          refused.kind() == KnowledgeException.Kind.CONFLICT
              ? BusFailure.CONFLICT
              : BusFailure.NOT_FOUND;
      request.fail(
          kind.code(),
          coded
              ? message
              : (kind == BusFailure.CONFLICT ? "already_reported: " : "not_found: ") + message);
    } else {
      LOG.error(what, failure);
      request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
    }
  }

  // ---- tasks ----

  private void openTask(Message<TaskOpening> request) {
    TaskOpening opening = request.body();
    String classification =
        opening.classification() == null || opening.classification().isBlank()
            ? PhasePaths.DEFAULT_CLASSIFICATION
            : opening.classification();
    PhasePaths.PhasePath path = phasePaths.path(classification);
    if (path == null) {
      Problem.invalid(
              "unknown_classification",
              "no classification \""
                  + classification
                  + "\"; known: "
                  + phasePaths.classifications())
          .failReply(request);
      return;
    }
    List<String> scope = opening.scope() == null ? List.of() : opening.scope();
    if (scope.isEmpty() || scope.stream().anyMatch(p -> p == null || p.isBlank())) {
      Problem.invalid(
              "invalid_request",
              "a task names the resources it may touch: scope is a non-empty list of patterns")
          .failReply(request);
      return;
    }
    Instant now = clock.instant();
    Task task =
        new Task(
            UUID.randomUUID().toString(),
            opening.agent().id(),
            opening.idempotencyKey(),
            opening.goal(),
            scope,
            classification,
            path.phases(),
            path.exits(),
            path.phases().get(0),
            now,
            now);
    String hash =
        Secrets.sha256Hex(Json.canonical(List.of(task.goal(), task.scope(), classification)));
    knowledge
        .write(s -> s.tasks().open(task, hash, "agent:" + task.agentId()))
        .onSuccess(
            opened -> {
              TaskOpened answer = new TaskOpened(opened.task(), opened.auditSeq(), opened.replay());
              if (!opened.replay()) {
                taskWatch.open(opened.task().id(), opened.task().agentId(), clock.instant());
                vertx.eventBus().publish(Bus.MONITOR_TASKS, answer);
              }
              request.reply(answer);
            })
        .onFailure(failure -> failWrite(request, failure, "Could not open a task"));
  }

  private record TaskAndGraph(Optional<Task> task, Optional<TaskGraph> graph) {}

  /**
   * A phase gate: the task moves to its next phase only when the exit condition of the phase it
   * leaves is met and every envelope offered passes its verifier; otherwise the answer names what
   * is missing, and nothing is recorded.
   */
  private void advanceTask(Message<TaskAdvance> request) {
    TaskAdvance advance = request.body();
    List<Evidence> offered = advance.evidence() == null ? List.of() : advance.evidence();
    knowledge
        .read(
            s ->
                new TaskAndGraph(
                    s.tasks().task(advance.taskId()), s.tasks().graph(advance.taskId())))
        .compose(
            found -> {
              Optional<Problem> problem = transitionProblem(advance, found.task());
              if (problem.isPresent()) {
                problem.get().failReply(request);
                return Future.succeededFuture();
              }
              Task task = found.task().get();
              if (task.phase().equals(advance.to())) {
                request.reply(
                    new TaskAdvanced(task, false, task.phase(), List.of(), List.of(), 0, true));
                return Future.succeededFuture();
              }
              return vertx
                  .executeBlocking(() -> verifiers.verify(offered, advance.agent()), false)
                  .compose(
                      checks -> {
                        List<String> missing =
                            Gates.missing(
                                task.exits().get(task.phase()),
                                found.graph().get(),
                                offered,
                                checks);
                        if (!missing.isEmpty()) {
                          return knowledge
                              .write(
                                  s ->
                                      s.tasks()
                                          .refuseGate(
                                              task.id(),
                                              task.phase(),
                                              advance.to(),
                                              missing,
                                              offered,
                                              checks,
                                              "agent:" + advance.agent().id(),
                                              clock.instant()))
                              .onSuccess(
                                  seq -> {
                                    TaskAdvanced refused =
                                        new TaskAdvanced(
                                            task, true, task.phase(), missing, checks, seq, false);
                                    vertx.eventBus().publish(Bus.MONITOR_TASKS, refused);
                                    request.reply(refused);
                                  })
                              .mapEmpty();
                        }
                        return knowledge
                            .write(
                                s ->
                                    s.tasks()
                                        .advance(
                                            task.id(),
                                            task.phase(),
                                            advance.to(),
                                            offered,
                                            checks,
                                            "agent:" + advance.agent().id(),
                                            clock.instant()))
                            .onSuccess(
                                moved -> {
                                  TaskAdvanced answer =
                                      new TaskAdvanced(
                                          moved.task(),
                                          false,
                                          task.phase(),
                                          List.of(),
                                          checks,
                                          moved.auditSeq(),
                                          moved.replay());
                                  if (!moved.replay()) {
                                    taskProgressed(moved.task().id(), moved.task().isDone());
                                    vertx.eventBus().publish(Bus.MONITOR_TASKS, answer);
                                  }
                                  request.reply(answer);
                                })
                            .mapEmpty();
                      });
            })
        .onFailure(failure -> failWrite(request, failure, "Could not advance a task"));
  }

  private static Optional<Problem> transitionProblem(TaskAdvance advance, Optional<Task> found) {
    if (found.isEmpty()) {
      return Optional.of(
          new Problem(BusFailure.NOT_FOUND, "unknown_task", "no task " + advance.taskId()));
    }
    Task task = found.get();
    if (!task.agentId().equals(advance.agent().id())) {
      return Optional.of(
          new Problem(BusFailure.FORBIDDEN, "forbidden", "an agent advances its own tasks only"));
    }
    if (task.phase().equals(advance.to())) {
      return Optional.empty();
    }
    if (task.isDone()) {
      return Optional.of(
          new Problem(
              BusFailure.CONFLICT, "task_done", "task " + task.id() + " is " + task.phase()));
    }
    if (!task.nextPhase().equals(advance.to())) {
      return Optional.of(
          new Problem(
              BusFailure.CONFLICT,
              "invalid_transition",
              "task "
                  + task.id()
                  + " is in "
                  + task.phase()
                  + "; the next phase on its path "
                  + task.phases()
                  + " is "
                  + task.nextPhase()
                  + ", not "
                  + advance.to()));
    }
    return Optional.empty();
  }

  private void setActionEffect(Message<ActionEffectOverride> request) {
    ActionEffectOverride override = request.body();
    if (!PlanChecks.isAction(override.action())) {
      Problem.invalid("invalid_request", "an action is \"namespace.verb\", such as \"env.delete\"")
          .failReply(request);
      return;
    }
    if (!EffectClass.isKnown(override.effect())) {
      Problem.invalid("invalid_request", "effect is one of read, write, destructive, external")
          .failReply(request);
      return;
    }
    EffectClass effect = EffectClass.fromWire(override.effect());
    knowledge
        .write(s -> s.setActionEffect(override.action(), effect, override.actor(), clock.instant()))
        .onSuccess(
            seq -> {
              ActionEffectSet set = new ActionEffectSet(override.action(), effect, seq);
              request.reply(set);
              vertx.eventBus().publish(Bus.MONITOR_ACTION_EFFECTS, set);
            })
        .onFailure(
            failure ->
                request.fail(
                    BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage()));
  }

  private void submitPlan(Message<PlanSubmission> request) {
    PlanSubmission submission = request.body();
    Optional<Problem> problem = PlanChecks.problem(submission.steps(), maxSteps);
    if (problem.isPresent()) {
      problem.get().failReply(request);
      return;
    }
    String agentId = submission.agent().id();
    Instant now = clock.instant();
    List<String> storms =
        retryStorms.count(
            agentId, submission.idempotencyKey(), submission.taskId(), submission.steps(), now);
    if (!storms.isEmpty() && !store.circuits().circuit(agentId).isOpen()) {
      // The circuit opens before this plan is reviewed, so the plan is denied by it.
      report(
              agentId,
              List.of(
                  symptom(
                      agentId,
                      SymptomKind.RETRY_STORM,
                      "retry storm: " + String.join("; ", storms),
                      now)))
          .onComplete(opened -> withTask(request, submission));
      return;
    }
    withTask(request, submission);
  }

  /** Looks up the plan's task, if it names one, and checks it belongs to the agent. */
  private void withTask(Message<PlanSubmission> request, PlanSubmission submission) {
    if (submission.taskId() == null) {
      review(request, submission, null);
      return;
    }
    knowledge
        .read(s -> s.tasks().task(submission.taskId()))
        .onSuccess(
            task -> {
              Optional<Problem> taskProblem = taskProblem(submission, task);
              if (taskProblem.isPresent()) {
                taskProblem.get().failReply(request);
              } else {
                review(request, submission, task.get());
              }
            })
        .onFailure(
            failure ->
                request.fail(
                    BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage()));
  }

  private static Optional<Problem> taskProblem(PlanSubmission submission, Optional<Task> task) {
    if (task.isEmpty()) {
      return Optional.of(
          new Problem(BusFailure.NOT_FOUND, "unknown_task", "no task " + submission.taskId()));
    }
    if (!task.get().agentId().equals(submission.agent().id())) {
      return Optional.of(
          new Problem(
              BusFailure.FORBIDDEN, "forbidden", "an agent sends plans within its own tasks only"));
    }
    return Optional.empty();
  }

  /** A new plan in a finished task is refused; a retry of an earlier one still gets its answer. */
  private static Optional<Problem> closedTask(Task task) {
    return task != null && task.isDone()
        ? Optional.of(
            new Problem(
                BusFailure.CONFLICT,
                "task_done",
                "task " + task.id() + " is done; open a new task for new work"))
        : Optional.empty();
  }

  /** A claim on a key whose plan was refused: those waiting on it get the same refusal. */
  private static final class RefusedClaim extends RuntimeException {
    private final transient Problem problem;

    RefusedClaim(Problem problem) {
      super(problem.message(), null, false, false);
      this.problem = problem;
    }
  }

  private void review(Message<PlanSubmission> request, PlanSubmission submission, Task task) {
    Plan plan =
        new Plan(
            submission.planId(),
            submission.agent().id(),
            submission.idempotencyKey(),
            submission.taskId(),
            submission.goal(),
            submission.steps(),
            clock.instant());
    if (plan.idempotencyKey() == null) {
      Optional<Problem> closed = closedTask(task);
      if (closed.isPresent()) {
        closed.get().failReply(request);
      } else {
        accept(request, plan, submission, null, task);
      }
      return;
    }
    String agentId = plan.agentId();
    String key = plan.idempotencyKey();
    String hash = plan.contentHash();
    Future<IdempotencyKeys.Claim> earlier = keys.claimed(agentId, key);
    if (earlier != null) {
      earlier.onSuccess(claim -> answerRetry(request, key, claim, hash));
      earlier.onFailure(
          failure -> {
            if (failure instanceof RefusedClaim refused) {
              refused.problem.failReply(request);
            } else {
              request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
            }
          });
      return;
    }
    Promise<IdempotencyKeys.Claim> claim = Promise.promise();
    keys.claim(agentId, key, claim.future());
    knowledge
        .read(s -> s.planByIdempotencyKey(agentId, key))
        .onSuccess(
            stored -> {
              if (stored.isPresent()) {
                IdempotencyKeys.Claim held =
                    new IdempotencyKeys.Claim(stored.get().planId(), stored.get().contentHash());
                claim.complete(held);
                answerRetry(request, key, held, hash);
              } else if (closedTask(task).isPresent()) {
                keys.release(agentId, key);
                claim.fail(new RefusedClaim(closedTask(task).get()));
                closedTask(task).get().failReply(request);
              } else {
                claim.complete(new IdempotencyKeys.Claim(plan.id(), hash));
                accept(request, plan, submission, hash, task);
              }
            })
        .onFailure(
            failure -> {
              keys.release(agentId, key);
              claim.fail(failure);
              request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
            });
  }

  private void accept(
      Message<PlanSubmission> request,
      Plan plan,
      PlanSubmission submission,
      String hash,
      Task task) {
    Usage planned =
        Figures.planned(plan.agentId(), plan.taskId(), plan.steps().size(), plan.receivedAt());
    Figures agent = figures(plan.agentId());
    agent.add(planned);
    // Counted now, written with the next flush: one write for many plans keeps reviews fast.
    unflushedUsage.merge(plan.agentId() + "\n" + planned.taskId(), planned, Usage::plus);
    List<String> crossed =
        store.circuits().circuit(plan.agentId()).isOpen()
            ? List.of()
            : agent.crossedBudgets(budgets(submission.agent()), List.of(planned.taskId()));
    if (crossed.isEmpty()) {
      forward(request, plan, submission, hash, task);
      return;
    }
    // The circuit opens before this plan is reviewed, so the plan is denied by it.
    report(
            plan.agentId(),
            List.of(
                symptom(
                    plan.agentId(),
                    SymptomKind.BUDGET_CROSSED,
                    String.join("; ", crossed),
                    plan.receivedAt())))
        .onComplete(opened -> forward(request, plan, submission, hash, task));
  }

  private void forward(
      Message<PlanSubmission> request,
      Plan plan,
      PlanSubmission submission,
      String hash,
      Task task) {
    knowledge
        .write(s -> s.recordPlan(plan, hash))
        .onFailure(failure -> LOG.error("Could not record plan {}", plan.id(), failure));
    taskProgressed(plan.taskId(), false);
    vertx.eventBus().publish(Bus.MONITOR_PLANS, new PlanReceived(plan, submission.agent(), task));
    request.reply(new PlanAccepted(plan.id(), false));
  }

  /** A retry gets the plan that holds the key; a different plan under the same key is refused. */
  private static void answerRetry(
      Message<PlanSubmission> request, String key, IdempotencyKeys.Claim claim, String hash) {
    if (hash.equals(claim.contentHash())) {
      request.reply(new PlanAccepted(claim.planId(), true));
    } else {
      request.fail(
          BusFailure.CONFLICT.code(),
          "idempotency_conflict: the idempotency key \""
              + key
              + "\" was used for a different plan ("
              + claim.planId()
              + "); a changed plan needs a new key");
    }
  }

  private Optional<Problem> registrationProblem(AgentRegistration registration) {
    if (isBlank(registration.name()) || registration.name().length() > NAME_LIMIT) {
      return invalid("an agent needs a name of 1 to " + NAME_LIMIT + " characters");
    }
    if (isBlank(registration.owner()) || registration.owner().length() > NAME_LIMIT) {
      return invalid("an agent needs an owner of 1 to " + NAME_LIMIT + " characters");
    }
    try {
      Environment.fromWire(String.valueOf(registration.environment()));
    } catch (IllegalArgumentException e) {
      return invalid("environment is one of sandbox, staging, production");
    }
    List<String> grants = registration.grants() == null ? List.of() : registration.grants();
    if (grants.size() > maxGrants) {
      return invalid("an agent may have at most " + maxGrants + " grants");
    }
    for (String grant : grants) {
      String grantProblem = GrantSyntax.problem(grant);
      if (grantProblem != null) {
        return invalid(grantProblem);
      }
    }
    Map<String, String> tools = registration.tools() == null ? Map.of() : registration.tools();
    for (Map.Entry<String, String> tool : tools.entrySet()) {
      if (!PlanChecks.isAction(tool.getKey())) {
        return invalid("tool \"" + tool.getKey() + "\" is not an action \"namespace.verb\"");
      }
      if (!EffectClass.isKnown(String.valueOf(tool.getValue()))) {
        return invalid(
            "tool \""
                + tool.getKey()
                + "\" has effect \""
                + tool.getValue()
                + "\"; effects are read, write, destructive, external");
      }
    }
    return Optional.empty();
  }

  private static Map<String, EffectClass> tools(Map<String, String> declared) {
    Map<String, EffectClass> tools = new HashMap<>();
    if (declared != null) {
      declared.forEach((action, effect) -> tools.put(action, EffectClass.fromWire(effect)));
    }
    return tools;
  }

  private static Optional<Problem> invalid(String message) {
    return Optional.of(Problem.invalid("invalid_request", message));
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
