package dev.governor.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Ids;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.AgentRegistered;
import dev.governor.knowledge.bus.Messages.AgentRegistration;
import dev.governor.knowledge.bus.Messages.PlanAccepted;
import dev.governor.knowledge.bus.Messages.PlanSubmission;
import dev.governor.knowledge.bus.Messages.StepReportSubmission;
import dev.governor.knowledge.bus.Messages.StepReported;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** The routes agents use: registration (by an admin), plan review, decisions. */
final class AgentApi {

  /** The body of a plan submission, as the OpenAPI document describes it. */
  record PlanBody(String idempotencyKey, String taskId, String goal, List<Step> steps) {}

  /** The body of a registration. */
  record RegistrationBody(
      String name,
      String owner,
      String environment,
      List<String> grants,
      Budgets budgets,
      Map<String, String> labels,
      Map<String, String> tools) {}

  private final Knowledge knowledge;
  private final EventBus bus;
  private final DecisionWaiters waiters;
  private final long reviewTimeoutMillis;
  private final int maxWaitSeconds;
  private final ReviewMetrics metrics;

  AgentApi(
      Knowledge knowledge,
      EventBus bus,
      DecisionWaiters waiters,
      long reviewTimeoutMillis,
      int maxWaitSeconds,
      ReviewMetrics metrics) {
    this.metrics = metrics;
    this.knowledge = knowledge;
    this.bus = bus;
    this.waiters = waiters;
    this.reviewTimeoutMillis = reviewTimeoutMillis;
    this.maxWaitSeconds = maxWaitSeconds;
  }

  void register(RoutingContext ctx) {
    Principal principal = Authenticator.of(ctx);
    if (!principal.isOperatorWith(Role.ADMIN)) {
      HttpErrors.respond(ctx, 403, "forbidden", "only an admin may register agents");
      return;
    }
    RegistrationBody body = ContractValidation.body(ctx, RegistrationBody.class);
    AgentRegistration registration =
        new AgentRegistration(
            body.name(),
            body.owner(),
            body.environment(),
            body.grants(),
            body.budgets(),
            body.labels(),
            body.tools(),
            principal.actor());
    bus.<AgentRegistered>request(Bus.MONITOR_REGISTER_AGENT, registration)
        .onSuccess(
            reply -> {
              AgentRegistered registered = reply.body();
              ObjectNode view = Views.agent(registered.agent());
              view.put("token", registered.token());
              view.put("auditSeq", registered.auditSeq());
              ctx.response().putHeader("location", "/api/v1/agents/" + registered.agent().id());
              Views.send(ctx, 201, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  void get(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    Principal principal = Authenticator.of(ctx);
    if (!principal.isAgent(agentId) && !principal.isOperatorWith(Role.VIEWER)) {
      HttpErrors.respond(ctx, 403, "forbidden", "an agent's token reads that agent only");
      return;
    }
    knowledge
        .read(
            s ->
                s.agent(agentId)
                    .map(
                        agent ->
                            Views.agent(
                                agent,
                                s.circuits().circuit(agentId),
                                s.circuits().openAlerts(agentId))))
        .onSuccess(
            agent -> {
              if (agent.isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_agent", "no agent " + agentId);
              } else {
                Views.send(ctx, 200, agent.get());
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void submitPlan(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    Principal principal = Authenticator.of(ctx);
    if (!(principal instanceof Principal.AgentPrincipal caller)
        || !caller.agent().id().equals(agentId)) {
      refuseForeignAgent(knowledge, ctx, agentId, "only the agent itself may submit its plans");
      return;
    }
    long started = System.nanoTime();
    PlanBody body = ContractValidation.body(ctx, PlanBody.class);
    String planId = Ids.next();
    Future<Decision> decided = waiters.await(planId, decision -> true, reviewTimeoutMillis);
    bus.<PlanAccepted>request(
            Bus.MONITOR_SUBMIT_PLAN,
            new PlanSubmission(
                planId,
                caller.agent(),
                body.idempotencyKey(),
                body.taskId(),
                body.goal(),
                body.steps()))
        .onSuccess(
            accepted -> {
              if (accepted.body().retry()) {
                waiters.cancel(planId, decided);
                answerRetry(ctx, accepted.body().planId());
              }
            })
        .onFailure(
            failure -> {
              HttpErrors.respond(ctx, Problem.of(failure));
              waiters.cancel(planId, decided);
            });
    decided
        .onSuccess(
            decision -> {
              metrics.reviewed(decision, started);
              Views.send(ctx, 200, decision);
            })
        .onFailure(
            failure -> {
              DecisionWaiters.WaitFailed wait =
                  failure instanceof DecisionWaiters.WaitFailed w ? w : null;
              if ((wait != null && wait.cancelled()) || ctx.response().ended()) {
                return;
              }
              metrics.failed();
              if (wait != null && wait.timedOut()) {
                // The plan is recorded and its review may still finish: say where to look.
                HttpErrors.respond(
                    ctx,
                    503,
                    "review_timeout",
                    "the review of plan "
                        + planId
                        + " did not finish in time; act on nothing yet and ask for its decision at"
                        + " /api/v1/plans/"
                        + planId
                        + "/decision");
              } else {
                HttpErrors.respond(
                    ctx,
                    503,
                    "review_failed",
                    "the review could not be completed, so nothing was approved: "
                        + failure.getMessage());
              }
            });
  }

  void reportStep(RoutingContext ctx) {
    Principal principal = Authenticator.of(ctx);
    if (!(principal instanceof Principal.AgentPrincipal caller)) {
      HttpErrors.respond(
          ctx, 403, "forbidden", "only the agent that carried a step out reports it");
      return;
    }
    JsonObject body = bodyOf(ctx);
    JsonObject result = body.getJsonObject("result", new JsonObject());
    bus.<StepReported>request(
            Bus.MONITOR_REPORT_STEP,
            new StepReportSubmission(
                ctx.pathParam("planId"),
                ctx.pathParam("stepId"),
                caller.agent(),
                body.getString("status"),
                result.getMap(),
                body.getString("idempotencyKey"),
                TaskApi.evidence(body.getValue("evidence"))))
        .onSuccess(
            reply -> {
              if (reply.body().alreadyDone()) {
                ctx.response().putHeader("idempotent-replay", "true");
              }
              Views.send(ctx, 200, reply.body());
            })
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  /** A retry under an idempotency key gets the decision recorded for the first plan. */
  private void answerRetry(RoutingContext ctx, String originalPlanId) {
    Future<Decision> first = waiters.await(originalPlanId, decision -> true, reviewTimeoutMillis);
    knowledge
        .read(s -> s.decision(originalPlanId))
        .onSuccess(
            recorded -> {
              if (recorded.isPresent()) {
                waiters.cancel(originalPlanId, first);
                ctx.response().putHeader("idempotent-replay", "true");
                Views.send(ctx, 200, recorded.get());
              } else {
                first
                    .onSuccess(
                        decision -> {
                          ctx.response().putHeader("idempotent-replay", "true");
                          Views.send(ctx, 200, decision);
                        })
                    .onFailure(
                        failure ->
                            HttpErrors.respond(
                                ctx,
                                503,
                                "review_failed",
                                "the first plan under this key was not decided: "
                                    + failure.getMessage()));
              }
            })
        .onFailure(
            failure -> {
              waiters.cancel(originalPlanId, first);
              HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage());
            });
  }

  /** A plan's owner and its decision, if one is recorded yet. */
  private record Lookup(String owner, Decision decision) {}

  void getDecision(RoutingContext ctx) {
    String planId = ctx.pathParam("planId");
    Principal principal = Authenticator.of(ctx);
    int wait = Math.min(maxWaitSeconds, parseWait(ctx.queryParams().get("wait")));
    // Registered before the read, so a settlement between the two is not missed.
    Future<Decision> settled =
        wait > 0
            ? waiters.await(planId, d -> d.verdict() != Verdict.ESCALATED, wait * 1000L)
            : Future.failedFuture("no wait");
    knowledge
        .read(
            s ->
                s.decision(planId)
                    .map(d -> new Lookup(d.agentId(), d))
                    .or(() -> s.plan(planId).map(p -> new Lookup(p.agentId(), null))))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                waiters.cancel(planId, settled);
                HttpErrors.respond(ctx, 404, "unknown_plan", "no plan " + planId);
              } else if (!principal.isAgent(found.get().owner())
                  && !principal.isOperatorWith(Role.VIEWER)) {
                waiters.cancel(planId, settled);
                HttpErrors.respond(ctx, 403, "forbidden", "an agent reads its own decisions only");
              } else if (wait == 0 || isSettled(found.get().decision())) {
                waiters.cancel(planId, settled);
                respondDecision(ctx, planId, found.get().decision());
              } else {
                settled
                    .onSuccess(decision -> Views.send(ctx, 200, decision))
                    .onFailure(timeout -> respondLatest(ctx, planId));
              }
            })
        .onFailure(
            failure -> {
              waiters.cancel(planId, settled);
              HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage());
            });
  }

  private static boolean isSettled(Decision decision) {
    return decision != null && decision.verdict() != Verdict.ESCALATED;
  }

  private void respondLatest(RoutingContext ctx, String planId) {
    knowledge
        .read(s -> s.decision(planId))
        .onSuccess(latest -> respondDecision(ctx, planId, latest.orElse(null)))
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private void respondDecision(RoutingContext ctx, String planId, Decision decision) {
    if (decision == null) {
      HttpErrors.respond(
          ctx, 409, "not_decided_yet", "plan " + planId + " is still being reviewed; ask again");
    } else {
      Views.send(ctx, 200, decision);
    }
  }

  /** Answers 403 when the agent in the path exists but is not the caller, else 404. */
  static void refuseForeignAgent(
      Knowledge knowledge, RoutingContext ctx, String agentId, String why) {
    knowledge
        .read(s -> s.agent(agentId).isPresent())
        .onSuccess(
            exists -> {
              if (exists) {
                HttpErrors.respond(ctx, 403, "forbidden", why);
              } else {
                HttpErrors.respond(ctx, 404, "unknown_agent", "no agent " + agentId);
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  static JsonObject bodyOf(RoutingContext ctx) {
    return ContractValidation.bodyObject(ctx);
  }

  private static int parseWait(String wait) {
    return wait == null ? 0 : Integer.parseInt(wait);
  }
}
