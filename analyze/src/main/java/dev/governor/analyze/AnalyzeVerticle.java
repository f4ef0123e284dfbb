package dev.governor.analyze;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.ActionEffectSet;
import dev.governor.knowledge.bus.Messages.LeasesGranted;
import dev.governor.knowledge.bus.Messages.PlanAnalyzed;
import dev.governor.knowledge.bus.Messages.PlanReceived;
import dev.governor.knowledge.bus.Messages.RuleSetActivated;
import dev.governor.knowledge.bus.Messages.RuleSetActivation;
import dev.governor.knowledge.bus.Messages.StepReported;
import dev.governor.knowledge.bus.Messages.TaskAdvanced;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.RuleSetVersion;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.TaskStore;
import dev.governor.rules.ActionCatalogue;
import dev.governor.rules.CompiledRuleSet;
import dev.governor.rules.DefaultLibrary;
import dev.governor.rules.ReviewContext;
import dev.governor.rules.RuleCompilationException;
import dev.governor.rules.RuleCompiler;
import dev.governor.rules.RuleEngine;
import dev.governor.rules.RuleTests;
import dev.governor.rules.model.Agent.SandboxRecord;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analyze: puts each received plan's facts through the active rule set and publishes the findings.
 * On a new store it activates the default library as version 1. If the rules cannot evaluate a
 * plan, the plan gets a denying finding: analysis fails closed. A plan from an agent whose circuit
 * is open (as the knowledge store holds it) gets a denying {@value #CIRCUIT_OPEN} finding with the
 * circuit's reason, whatever the rules say.
 */
public final class AnalyzeVerticle extends VerticleBase {

  static final String ANALYSIS_FAILED = "Analysis failed";

  /** The finding that denies every plan of an agent whose circuit is open. */
  public static final String CIRCUIT_OPEN = "circuit-open";

  private static final Logger LOG = LoggerFactory.getLogger(AnalyzeVerticle.class);

  private final KnowledgeStore store;
  private final Clock clock;
  private Knowledge knowledge;
  private RuleEngine engine;
  private ActionCatalogue catalogue = ActionCatalogue.DEFAULTS;
  // Target → the agent that created it; confined to this verticle's event loop.
  private final Map<String, String> creators = new HashMap<>();
  // Resource → the leases held on it, by fencing token; confined to this verticle's event loop.
  private final Map<String, Map<Long, Lease>> leases = new HashMap<>();
  private String leaseConflict;
  // Name and owner → tasks finished in sandbox; confined to this verticle's event loop.
  private final Map<TaskStore.Lineage, Integer> sandboxRecords = new HashMap<>();
  private int sandboxTasksRequired;

  public AnalyzeVerticle(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    knowledge = new Knowledge(vertx, store);
    leaseConflict = config().getString("leaseConflict", "escalate");
    sandboxTasksRequired = config().getInteger("sandboxTasksRequired", 3);
    if (!leaseConflict.equals("escalate") && !leaseConflict.equals("deny")) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "leaseConflict is escalate or deny, not \"" + leaseConflict + "\""));
    }
    return knowledge
        .read(KnowledgeStore::actionEffects)
        .onSuccess(overrides -> catalogue = new ActionCatalogue(overrides))
        .compose(overrides -> knowledge.read(KnowledgeStore::resources))
        .onSuccess(known -> known.values().forEach(r -> creators.put(r.target(), r.createdBy())))
        .compose(known -> knowledge.read(s -> s.leases().active(clock.instant())))
        .onSuccess(held -> held.forEach(this::holdLease))
        .compose(held -> knowledge.read(s -> s.tasks().sandboxRecords()))
        .onSuccess(sandboxRecords::putAll)
        .compose(known -> activeRuleSet())
        .compose(
            ruleSet ->
                vertx.executeBlocking(
                    () -> RuleCompiler.compile(ruleSet.version(), ruleSet.files())))
        .map(RuleEngine::new)
        .compose(
            ready -> {
              engine = ready;
              LOG.info("Analyzing with rule set version {}", ready.activeVersion());
              return Future.all(
                  vertx.eventBus().consumer(Bus.MONITOR_PLANS, this::analyze).completion(),
                  vertx
                      .eventBus()
                      .<ActionEffectSet>consumer(
                          Bus.MONITOR_ACTION_EFFECTS,
                          m -> catalogue = catalogue.with(m.body().action(), m.body().effect()))
                      .completion(),
                  vertx
                      .eventBus()
                      .<StepReported>consumer(Bus.MONITOR_STEP_REPORTS, this::learnResource)
                      .completion(),
                  vertx
                      .eventBus()
                      .<LeasesGranted>consumer(
                          Bus.EXECUTE_LEASES, m -> m.body().leases().forEach(this::holdLease))
                      .completion(),
                  vertx.eventBus().consumer(Bus.MONITOR_TASKS, this::countSandboxTask).completion(),
                  vertx
                      .eventBus()
                      .consumer(Bus.ANALYZE_ACTIVATE_RULE_SET, this::activate)
                      .completion());
            });
  }

  @Override
  public Future<?> stop() {
    if (engine != null) {
      engine.close();
    }
    return Future.succeededFuture();
  }

  private Future<RuleSetVersion> activeRuleSet() {
    return knowledge
        .read(KnowledgeStore::activeRuleSet)
        .compose(
            active ->
                active.isPresent()
                    ? Future.succeededFuture(active.get())
                    : knowledge.write(
                        s ->
                            s.createRuleSet(
                                DefaultLibrary.files(),
                                DefaultLibrary.tests(),
                                "the default library",
                                true,
                                "governor",
                                clock.instant())));
  }

  /**
   * Builds the version completely off the event loop, records it as active, and only then swaps it
   * in: reviews keep running on the previous version until the new one is whole.
   */
  private void activate(Message<RuleSetActivation> request) {
    RuleSetActivation activation = request.body();
    int version = activation.version();
    knowledge
        .read(s -> s.ruleSet(version))
        .compose(
            found ->
                found.isPresent()
                    ? vertx.executeBlocking(() -> compileAndTest(found.get()), false)
                    : Future.failedFuture(
                        new KnowledgeException(
                            KnowledgeException.Kind.NOT_FOUND, "no rule-set version " + version)))
        .compose(
            tested -> {
              List<RuleTestResult> failures =
                  tested.results().stream().filter(result -> !result.ok()).toList();
              if (!failures.isEmpty() && !activation.force()) {
                return Future.failedFuture(new TestsFailed(failures, tested.results().size()));
              }
              return knowledge
                  .write(
                      s ->
                          s.activateRuleSet(version, activation.actor(), failures, clock.instant()))
                  .map(activated -> tested.rules());
            })
        .onSuccess(
            compiled -> {
              engine.activate(compiled);
              LOG.info("Analyzing with rule set version {}", version);
              request.reply(new RuleSetActivated(version));
            })
        .onFailure(failure -> failActivation(request, version, failure));
  }

  private record Tested(CompiledRuleSet rules, List<RuleTestResult> results) {}

  private static final class TestsFailed extends RuntimeException {
    TestsFailed(List<RuleTestResult> failures, int total) {
      super(
          failures.size()
              + " of "
              + total
              + " tests failed: "
              + failures.stream()
                  .map(f -> "\"" + f.name() + "\" (" + f.message() + ")")
                  .collect(Collectors.joining("; "))
              + "; fix them or activate with force=true",
          null,
          false,
          false);
    }
  }

  private static Tested compileAndTest(RuleSetVersion version) throws RuleCompilationException {
    CompiledRuleSet compiled = RuleCompiler.compile(version.version(), version.files());
    return new Tested(compiled, RuleTests.run(compiled, version.tests()));
  }

  private static void failActivation(Message<?> request, int version, Throwable failure) {
    if (failure instanceof KnowledgeException missing
        && missing.kind() == KnowledgeException.Kind.NOT_FOUND) {
      request.fail(BusFailure.NOT_FOUND.code(), "unknown_rule_set: " + missing.getMessage());
    } else if (failure instanceof TestsFailed failed) {
      request.fail(BusFailure.CONFLICT.code(), "tests_failed: " + failed.getMessage());
    } else if (failure instanceof RuleCompilationException invalid) {
      request.fail(
          BusFailure.INVALID.code(),
          "invalid_rule_set: version " + version + " does not compile: " + invalid.getMessage());
    } else {
      LOG.error("Could not activate rule-set version {}", version, failure);
      request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
    }
  }

  private void learnResource(Message<StepReported> message) {
    Resource created = message.body().created();
    if (created != null) {
      creators.putIfAbsent(created.target(), created.createdBy());
    }
    Lease released = message.body().released();
    if (released != null) {
      Map<Long, Lease> held = leases.get(released.resource());
      if (held != null) {
        held.remove(released.fencingToken());
        if (held.isEmpty()) {
          leases.remove(released.resource());
        }
      }
    }
  }

  /** A task of a sandbox agent that passed its last gate adds to its lineage's record. */
  private void countSandboxTask(Message<Object> message) {
    if (!(message.body() instanceof TaskAdvanced advanced)
        || advanced.refused()
        || advanced.replay()
        || !advanced.task().isDone()) {
      return;
    }
    knowledge
        .read(s -> s.agent(advanced.task().agentId()))
        .onSuccess(
            agent ->
                agent
                    .filter(a -> a.environment() == Environment.SANDBOX)
                    .ifPresent(
                        a ->
                            sandboxRecords.merge(
                                new TaskStore.Lineage(a.name(), a.owner()), 1, Integer::sum)))
        .onFailure(
            failure ->
                LOG.error(
                    "Could not count task {} in its agent's sandbox record",
                    advanced.task().id(),
                    failure));
  }

  private SandboxRecord sandboxRecord(dev.governor.knowledge.model.Agent agent) {
    int completed =
        sandboxRecords.getOrDefault(new TaskStore.Lineage(agent.name(), agent.owner()), 0);
    return new SandboxRecord(completed, sandboxTasksRequired);
  }

  private void holdLease(Lease lease) {
    leases.computeIfAbsent(lease.resource(), r -> new HashMap<>()).put(lease.fencingToken(), lease);
  }

  /** Leases held now on the plan's targets; expired ones are dropped as they are met. */
  private List<Lease> leasesOn(Plan plan) {
    Instant now = clock.instant();
    List<Lease> held = new ArrayList<>();
    for (Step step : plan.steps()) {
      Map<Long, Lease> onTarget = leases.get(step.target());
      if (onTarget != null) {
        onTarget.values().removeIf(lease -> !lease.heldAt(now));
        held.addAll(onTarget.values());
        if (onTarget.isEmpty()) {
          leases.remove(step.target());
        }
      }
    }
    return held;
  }

  private Map<String, String> effects(PlanReceived received) {
    Map<String, String> effects = new HashMap<>();
    for (Step step : received.plan().steps()) {
      effects.put(step.id(), catalogue.effectOf(step.action(), received.agent().tools()));
    }
    return effects;
  }

  private void analyze(Message<PlanReceived> message) {
    PlanReceived received = message.body();
    PlanAnalyzed analyzed;
    try {
      ReviewContext context =
          new ReviewContext(
              creators,
              received.task(),
              leasesOn(received.plan()),
              leaseConflict,
              sandboxRecord(received.agent()));
      RuleEngine.Evaluation evaluation =
          engine.evaluate(received.agent(), received.plan(), catalogue, context);
      analyzed =
          new PlanAnalyzed(
              received.plan(),
              received.agent(),
              evaluation.findings(),
              evaluation.ruleSetVersion(),
              effects(received));
    } catch (RuntimeException e) {
      LOG.error("The rules could not evaluate plan {}", received.plan().id(), e);
      Finding failed =
          new Finding(
              ANALYSIS_FAILED,
              Severity.CRITICAL,
              null,
              "the rules could not evaluate this plan, so nothing in it is approved: " + e,
              Verdict.DENIED);
      analyzed =
          new PlanAnalyzed(
              received.plan(), received.agent(), List.of(failed), engine.activeVersion(), Map.of());
    }
    Circuit circuit = store.circuits().circuit(received.agent().id());
    if (circuit.isOpen()) {
      List<Finding> findings = new ArrayList<>(analyzed.findings());
      findings.add(
          new Finding(
              CIRCUIT_OPEN,
              Severity.HIGH,
              null,
              "the agent's circuit is open (" + circuit.trip() + "): " + circuit.reason(),
              Verdict.DENIED));
      analyzed =
          new PlanAnalyzed(
              analyzed.plan(),
              analyzed.agent(),
              findings,
              analyzed.ruleSetVersion(),
              analyzed.effects());
    }
    vertx.eventBus().publish(Bus.ANALYZE_FINDINGS, analyzed);
  }
}
