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
import dev.governor.knowledge.bus.Messages.PlanAccepted;
import dev.governor.knowledge.bus.Messages.PlanReceived;
import dev.governor.knowledge.bus.Messages.PlanSubmission;
import dev.governor.knowledge.bus.Messages.StepReportSubmission;
import dev.governor.knowledge.bus.Messages.StepReported;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.GrantSyntax;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.KnowledgeStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitor: the sensors. Takes in what agents and operators send, checks it, records it and passes
 * valid plans on to Analyze.
 *
 * <p>A plan is queued for recording and published in the same step: the store's single writer
 * applies writes in order, so the decision that Execute records later can never be durable without
 * its plan.
 */
public final class MonitorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);
  private static final int NAME_LIMIT = 200;

  private final KnowledgeStore store;
  private final Clock clock;
  private Knowledge knowledge;
  private int maxSteps;
  private int maxGrants;
  private IdempotencyKeys keys;

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
    return Future.all(
        vertx.eventBus().consumer(Bus.MONITOR_REGISTER_AGENT, this::registerAgent).completion(),
        vertx.eventBus().consumer(Bus.MONITOR_SUBMIT_PLAN, this::submitPlan).completion(),
        vertx
            .eventBus()
            .consumer(Bus.MONITOR_SET_ACTION_EFFECT, this::setActionEffect)
            .completion(),
        vertx.eventBus().consumer(Bus.MONITOR_REPORT_STEP, this::reportStep).completion());
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

  private void reportStep(Message<StepReportSubmission> request) {
    StepReportSubmission submission = request.body();
    knowledge
        .read(
            s -> new PlanAndDecision(s.plan(submission.planId()), s.decision(submission.planId())))
        .compose(
            found -> {
              Optional<Problem> problem =
                  StepReports.problem(submission, found.plan(), found.decision());
              if (problem.isPresent()) {
                problem.get().failReply(request);
                return Future.succeededFuture();
              }
              StepReport report = StepReports.report(submission, clock.instant());
              Resource created = StepReports.created(found.plan().get(), report);
              return knowledge
                  .write(s -> s.recordStepReport(report, created))
                  .onSuccess(
                      seq -> {
                        StepReported reported = new StepReported(report, created, seq);
                        // Announced before the reply: a plan the agent sends next is analyzed
                        // knowing what this step created.
                        vertx.eventBus().publish(Bus.MONITOR_STEP_REPORTS, reported);
                        request.reply(reported);
                      })
                  .mapEmpty();
            })
        .onFailure(
            failure -> {
              if (failure instanceof KnowledgeException refused
                  && refused.kind() == KnowledgeException.Kind.CONFLICT) {
                request.fail(
                    BusFailure.CONFLICT.code(), "already_reported: " + refused.getMessage());
              } else {
                LOG.error("Could not record a step report", failure);
                request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage());
              }
            });
  }

  private record PlanAndDecision(Optional<Plan> plan, Optional<Decision> decision) {}

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
      accept(request, plan, submission, null);
      return;
    }
    String agentId = plan.agentId();
    String key = plan.idempotencyKey();
    String hash =
        Secrets.sha256Hex(
            Json.canonical(List.of(String.valueOf(plan.taskId()), plan.goal(), plan.steps())));
    Future<IdempotencyKeys.Claim> earlier = keys.claimed(agentId, key);
    if (earlier != null) {
      earlier.onSuccess(claim -> answerRetry(request, key, claim, hash));
      earlier.onFailure(
          failure ->
              request.fail(BusFailure.UNAVAILABLE.code(), "unavailable: " + failure.getMessage()));
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
              } else {
                claim.complete(new IdempotencyKeys.Claim(plan.id(), hash));
                accept(request, plan, submission, hash);
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
      Message<PlanSubmission> request, Plan plan, PlanSubmission submission, String hash) {
    knowledge
        .write(s -> s.recordPlan(plan, hash))
        .onFailure(failure -> LOG.error("Could not record plan {}", plan.id(), failure));
    vertx.eventBus().publish(Bus.MONITOR_PLANS, new PlanReceived(plan, submission.agent()));
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
