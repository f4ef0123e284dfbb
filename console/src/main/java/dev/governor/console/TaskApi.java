package dev.governor.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.TaskAdvance;
import dev.governor.knowledge.bus.Messages.TaskAdvanced;
import dev.governor.knowledge.bus.Messages.TaskOpened;
import dev.governor.knowledge.bus.Messages.TaskOpening;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.TaskGraph;
import dev.governor.knowledge.model.Verdict;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The routes of tasks (opening, phase gates, execution graphs), leases and approval checks. */
final class TaskApi {

  private static final TypeReference<List<Evidence>> ENVELOPES = new TypeReference<>() {};

  private final Knowledge knowledge;
  private final EventBus bus;
  private final Clock clock;
  private final Duration approvalTtl;

  TaskApi(Knowledge knowledge, EventBus bus, Clock clock, Duration approvalTtl) {
    this.knowledge = knowledge;
    this.bus = bus;
    this.clock = clock;
    this.approvalTtl = approvalTtl;
  }

  /** The body's evidence, one envelope or a list of them, as validated by the contract. */
  static List<Evidence> evidence(Object value) {
    if (value == null) {
      return List.of();
    }
    Object list = value instanceof JsonObject one ? List.of(one.getMap()) : value;
    if (list instanceof JsonArray array) {
      list = array.getList();
    }
    return Json.MAPPER.convertValue(list, ENVELOPES);
  }

  void open(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    Principal principal = Authenticator.of(ctx);
    if (!(principal instanceof Principal.AgentPrincipal caller)
        || !caller.agent().id().equals(agentId)) {
      HttpErrors.respond(ctx, 403, "forbidden", "only the agent itself opens its tasks");
      return;
    }
    JsonObject body = AgentApi.bodyOf(ctx);
    List<String> scope = body.getJsonArray("scope").stream().map(String::valueOf).toList();
    bus.<TaskOpened>request(
            Bus.MONITOR_OPEN_TASK,
            new TaskOpening(
                caller.agent(),
                body.getString("idempotencyKey"),
                body.getString("goal"),
                scope,
                body.getString("classification")))
        .onSuccess(
            reply -> {
              TaskOpened opened = reply.body();
              ObjectNode view = task(opened.task());
              view.put("auditSeq", opened.auditSeq());
              if (opened.replay()) {
                ctx.response().putHeader("idempotent-replay", "true");
              }
              ctx.response().putHeader("location", "/api/v1/tasks/" + opened.task().id());
              Views.send(ctx, opened.replay() ? 200 : 201, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  void get(RoutingContext ctx) {
    String taskId = ctx.pathParam("taskId");
    knowledge
        .read(s -> s.tasks().task(taskId))
        .onSuccess(
            found -> {
              if (mayRead(ctx, taskId, found)) {
                Views.send(ctx, 200, task(found.get()));
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private record TaskAndGraph(Optional<Task> task, Optional<TaskGraph> graph) {}

  void graph(RoutingContext ctx) {
    String taskId = ctx.pathParam("taskId");
    knowledge
        .read(s -> new TaskAndGraph(s.tasks().task(taskId), s.tasks().graph(taskId)))
        .onSuccess(
            found -> {
              if (mayRead(ctx, taskId, found.task())) {
                Views.send(ctx, 200, found.graph().orElseThrow());
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void advance(RoutingContext ctx) {
    String taskId = ctx.pathParam("taskId");
    Principal principal = Authenticator.of(ctx);
    if (!(principal instanceof Principal.AgentPrincipal caller)) {
      HttpErrors.respond(ctx, 403, "forbidden", "only the task's agent advances it");
      return;
    }
    JsonObject body = AgentApi.bodyOf(ctx);
    bus.<TaskAdvanced>request(
            Bus.MONITOR_ADVANCE_TASK,
            new TaskAdvance(
                taskId, caller.agent(), body.getString("to"), evidence(body.getValue("evidence"))))
        .onSuccess(
            reply -> {
              TaskAdvanced advanced = reply.body();
              if (advanced.refused()) {
                ObjectNode error = Json.MAPPER.createObjectNode();
                ObjectNode detail = error.putObject("error");
                detail.put("code", "gate_refused");
                detail.put(
                    "message",
                    "task "
                        + taskId
                        + " cannot leave "
                        + advanced.from()
                        + " ("
                        + advanced.task().exits().get(advanced.from()).condition()
                        + "); missing: "
                        + String.join("; ", advanced.missing()));
                detail.set("missing", Json.MAPPER.valueToTree(advanced.missing()));
                detail.set("checks", Json.MAPPER.valueToTree(advanced.checks()));
                Views.send(ctx, 409, error);
                return;
              }
              ObjectNode view = task(advanced.task());
              view.put("auditSeq", advanced.auditSeq());
              view.set("checks", Json.MAPPER.valueToTree(advanced.checks()));
              if (advanced.replay()) {
                ctx.response().putHeader("idempotent-replay", "true");
              }
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  void leases(RoutingContext ctx) {
    Principal principal = Authenticator.of(ctx);
    if (!(principal instanceof Principal.AgentPrincipal)
        && !principal.isOperatorWith(Role.VIEWER)) {
      HttpErrors.respond(ctx, 403, "forbidden", "agents and viewers read leases");
      return;
    }
    String resource = ctx.queryParams().get("resource");
    knowledge
        .read(
            s ->
                resource == null
                    ? s.leases().active(clock.instant())
                    : s.leases().history(resource, 100))
        .onSuccess(leases -> Views.send(ctx, 200, Map.of("leases", leases)))
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  /** What a plan and its decision are, as recorded. */
  private record Approval(Optional<Plan> plan, Optional<Decision> decision) {}

  /**
   * Whether the plan in the body is the exact plan approved, and the approval is still fresh: an
   * approval is bound to the hash of the content it approved and expires after {@code
   * approvalTtlSeconds}.
   */
  void checkApproval(RoutingContext ctx) {
    String planId = ctx.pathParam("planId");
    Principal principal = Authenticator.of(ctx);
    AgentApi.PlanBody body = ContractValidation.body(ctx, AgentApi.PlanBody.class);
    knowledge
        .read(s -> new Approval(s.plan(planId), s.decision(planId)))
        .onSuccess(
            found -> {
              if (found.plan().isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_plan", "no plan " + planId);
                return;
              }
              Plan approved = found.plan().get();
              if (!principal.isAgent(approved.agentId())
                  && !principal.isOperatorWith(Role.VIEWER)) {
                HttpErrors.respond(ctx, 403, "forbidden", "an agent checks its own plans only");
                return;
              }
              Plan offered =
                  new Plan(
                      planId,
                      approved.agentId(),
                      null,
                      body.taskId(),
                      body.goal(),
                      body.steps(),
                      approved.receivedAt());
              respondApproval(ctx, approved, offered.contentHash(), found.decision());
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private void respondApproval(
      RoutingContext ctx, Plan approved, String offeredHash, Optional<Decision> decision) {
    String approvedHash = approved.contentHash();
    if (!approvedHash.equals(offeredHash)) {
      HttpErrors.respond(
          ctx,
          409,
          "approval_mismatch",
          "this is not the plan that was reviewed as "
              + approved.id()
              + " (reviewed content "
              + approvedHash
              + ", this content "
              + offeredHash
              + "); a changed plan needs a new review");
      return;
    }
    if (decision.isEmpty() || decision.get().verdict() != Verdict.APPROVED) {
      HttpErrors.respond(
          ctx,
          409,
          "not_approved",
          "plan "
              + approved.id()
              + " is "
              + decision.map(d -> d.verdict().name()).orElse("not decided yet"));
      return;
    }
    Instant expiresAt = decision.get().decidedAt().plus(approvalTtl);
    if (!clock.instant().isBefore(expiresAt)) {
      HttpErrors.respond(
          ctx,
          409,
          "approval_expired",
          "the approval of plan "
              + approved.id()
              + " expired at "
              + expiresAt
              + "; send the plan again for a new review");
      return;
    }
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("planId", approved.id());
    view.put("approved", true);
    view.put("contentHash", approvedHash);
    view.put("approvedAt", decision.get().decidedAt().toString());
    view.put("expiresAt", expiresAt.toString());
    view.put("decidedBy", decision.get().decidedBy());
    Views.send(ctx, 200, view);
  }

  private static boolean mayRead(RoutingContext ctx, String taskId, Optional<Task> task) {
    if (task.isEmpty()) {
      HttpErrors.respond(ctx, 404, "unknown_task", "no task " + taskId);
      return false;
    }
    Principal principal = Authenticator.of(ctx);
    if (!principal.isAgent(task.get().agentId()) && !principal.isOperatorWith(Role.VIEWER)) {
      HttpErrors.respond(ctx, 403, "forbidden", "an agent reads its own tasks only");
      return false;
    }
    return true;
  }

  /** A task with its next phase and the exit condition that leads there. */
  private static ObjectNode task(Task task) {
    ObjectNode view = Json.MAPPER.valueToTree(task);
    String next = task.nextPhase();
    view.put("done", next == null);
    if (next != null) {
      ObjectNode gate = view.putObject("next");
      gate.put("phase", next);
      gate.set("exit", Json.MAPPER.valueToTree(task.exits().get(task.phase())));
    }
    return view;
  }
}
