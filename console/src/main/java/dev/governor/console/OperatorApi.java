package dev.governor.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.AgentJoined;
import dev.governor.knowledge.bus.Messages.AlertChanged;
import dev.governor.knowledge.bus.Messages.BudgetsChanged;
import dev.governor.knowledge.bus.Messages.CircuitChanged;
import dev.governor.knowledge.bus.Messages.CommandIssued;
import dev.governor.knowledge.bus.Messages.DecisionRecorded;
import dev.governor.knowledge.bus.Messages.EscalationAnswer;
import dev.governor.knowledge.bus.Messages.EscalationChanged;
import dev.governor.knowledge.bus.Messages.StepReported;
import dev.governor.knowledge.bus.Messages.TaskAdvanced;
import dev.governor.knowledge.bus.Messages.TaskOpened;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.EscalationDetail;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.KnowledgeStore.EscalationFilter;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/** The routes operators use: escalations, the audit log, rule sets, the live event stream. */
final class OperatorApi {

  private static final int DEFAULT_LIMIT = 100;
  private static final long KEEP_ALIVE_MILLIS = 15_000;

  private final Vertx vertx;
  private final Knowledge knowledge;

  OperatorApi(Vertx vertx, Knowledge knowledge) {
    this.vertx = vertx;
    this.knowledge = knowledge;
  }

  void whoami(RoutingContext ctx) {
    Principal principal = Authenticator.of(ctx);
    ObjectNode view = Json.MAPPER.createObjectNode();
    if (principal instanceof Principal.OperatorPrincipal o) {
      view.put("kind", "operator").put("name", o.operator().name());
      ArrayNode roles = view.putArray("roles");
      o.operator().roles().stream()
          .map(role -> role.name().toLowerCase(Locale.ROOT))
          .sorted()
          .forEach(roles::add);
    } else if (principal instanceof Principal.AgentPrincipal a) {
      view.put("kind", "agent").put("id", a.agent().id()).put("name", a.agent().name());
    }
    Views.send(ctx, 200, view);
  }

  void listEscalations(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    String status = ctx.queryParams().get("status");
    EscalationFilter filter =
        status == null
            ? EscalationFilter.PENDING
            : EscalationFilter.valueOf(status.toUpperCase(Locale.ROOT));
    int limit = intParam(ctx, "limit", DEFAULT_LIMIT);
    String text = ctx.queryParams().get("q");
    knowledge
        .read(s -> s.escalations(filter, text, limit))
        .onSuccess(
            found -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              ArrayNode list = view.putArray("escalations");
              for (EscalationDetail detail : found) {
                list.add(Views.escalation(detail));
              }
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void getEscalation(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    String id = ctx.pathParam("escalationId");
    knowledge
        .read(s -> s.escalation(id))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_escalation", "no escalation " + id);
              } else {
                Views.send(ctx, 200, Views.escalation(found.get()));
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void resolveEscalation(RoutingContext ctx) {
    if (!allowed(ctx, Role.APPROVER)) {
      return;
    }
    Principal.OperatorPrincipal operator = (Principal.OperatorPrincipal) Authenticator.of(ctx);
    JsonObject body = AgentApi.bodyOf(ctx);
    Verdict verdict =
        "approve".equals(body.getString("resolution")) ? Verdict.APPROVED : Verdict.DENIED;
    String reason = body.getString("reason").strip();
    if (reason.isEmpty()) {
      HttpErrors.respond(ctx, 400, "missing_field", "a reason is required, and blanks are not one");
      return;
    }
    EscalationAnswer answer =
        new EscalationAnswer(
            ctx.pathParam("escalationId"), verdict, reason, operator.operator().name());
    vertx
        .eventBus()
        .<DecisionRecorded>request(Bus.EXECUTE_RESOLVE_ESCALATION, answer)
        .onSuccess(reply -> Views.send(ctx, 200, reply.body().decision()))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  /**
   * Audit entries oldest first after {@code after}, or with {@code order=desc} newest first before
   * {@code before}; filtered by exact {@code type}, {@code actor} and {@code subject}. {@code next}
   * is the last entry's position, to page on from; {@code more} says whether there is more.
   */
  void listAudit(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    Long after = longParam(ctx, "after");
    Long before = longParam(ctx, "before");
    boolean newestFirst = "desc".equals(ctx.queryParams().get("order"));
    KnowledgeStore.AuditQuery query =
        new KnowledgeStore.AuditQuery(
            blankToNull(ctx.queryParams().get("type")),
            blankToNull(ctx.queryParams().get("actor")),
            blankToNull(ctx.queryParams().get("subject")),
            after,
            before,
            newestFirst,
            intParam(ctx, "limit", DEFAULT_LIMIT));
    knowledge
        .read(s -> s.audit(query))
        .onSuccess(
            page -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              ArrayNode list = view.putArray("entries");
              page.entries().forEach(entry -> list.add(Views.auditEntry(entry)));
              long from = newestFirst ? (before == null ? 0 : before) : (after == null ? 0 : after);
              view.put(
                  "next",
                  page.entries().isEmpty()
                      ? from
                      : page.entries().get(page.entries().size() - 1).seq());
              view.put("more", page.more());
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void verifyAudit(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    knowledge
        .read(KnowledgeStore::verifyAudit)
        .onSuccess(result -> Views.send(ctx, 200, result))
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  /**
   * Server-Sent Events, until the client leaves: one {@code escalation} event per change, one
   * {@code alert} event per alert raised or cleared, one {@code circuit} event per circuit move,
   * one {@code agent} event ({@code agentId}, {@code change}) when what the agents page shows of an
   * agent changed, and one {@code activity} event ({@code agentId}, maybe {@code taskId}) per
   * decision, step report, task change or command recorded, so that an open timeline can fetch what
   * is new.
   */
  void events(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    HttpServerResponse response =
        ctx.response()
            .setChunked(true)
            .putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-cache");
    response.write(": connected\n\n");
    List<MessageConsumer<?>> consumers = relay(new EventWriter(response));
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, id -> response.write(": keep-alive\n\n"));
    response.closeHandler(
        closed -> {
          consumers.forEach(MessageConsumer::unregister);
          vertx.cancelTimer(keepAlive);
        });
  }

  /** Writes Server-Sent Events of the kinds {@link #events} sends. */
  private record EventWriter(HttpServerResponse response) {
    void send(String type, Object data) {
      response.write("event: " + type + "\ndata: " + Json.write(data) + "\n\n");
    }

    /** What the agents page shows of an agent changed: the page reads the agent again. */
    void agent(String agentId, String change) {
      send("agent", Json.MAPPER.createObjectNode().put("agentId", agentId).put("change", change));
    }

    /** Something of the agent's was recorded: an open timeline fetches what is new. */
    void activity(String agentId, String taskId) {
      ObjectNode event = Json.MAPPER.createObjectNode().put("agentId", agentId);
      if (taskId != null) {
        event.put("taskId", taskId);
      }
      send("activity", event);
    }
  }

  /** One consumer per address the stream listens to, each writing every event it gives rise to. */
  private List<MessageConsumer<?>> relay(EventWriter out) {
    EventBus bus = vertx.eventBus();
    return List.of(
        bus.<EscalationChanged>consumer(
            Bus.EXECUTE_ESCALATIONS,
            m -> {
              ObjectNode event = Json.MAPPER.valueToTree(m.body().escalation());
              event.set("decision", Json.MAPPER.valueToTree(m.body().decision()));
              out.send("escalation", event);
            }),
        bus.<AlertChanged>consumer(
            Bus.EXECUTE_ALERTS,
            m -> {
              Alert alert = m.body().alert();
              out.send("alert", alert);
              if (Alert.SILENT.equals(alert.kind())) {
                out.agent(alert.agentId(), "status");
              }
            }),
        bus.<CircuitChanged>consumer(
            Bus.EXECUTE_CIRCUITS,
            m -> {
              out.send("circuit", m.body().after());
              out.agent(m.body().after().agentId(), "circuit");
            }),
        bus.<CommandIssued>consumer(
            Bus.EXECUTE_COMMANDS,
            m -> {
              out.agent(m.body().command().agentId(), "command");
              out.activity(m.body().command().agentId(), null);
            }),
        bus.<AgentJoined>consumer(
            Bus.MONITOR_AGENTS, m -> out.agent(m.body().agent().id(), "registered")),
        bus.<BudgetsChanged>consumer(
            Bus.MONITOR_BUDGETS, m -> out.agent(m.body().agent().id(), "budgets")),
        bus.<DecisionRecorded>consumer(
            Bus.EXECUTE_DECISIONS, m -> out.activity(m.body().decision().agentId(), null)),
        bus.<StepReported>consumer(
            Bus.MONITOR_STEP_REPORTS, m -> out.activity(m.body().report().agentId(), null)),
        bus.<Object>consumer(
            Bus.MONITOR_TASKS,
            m -> {
              Task task =
                  m.body() instanceof TaskOpened opened
                      ? opened.task()
                      : m.body() instanceof TaskAdvanced advanced ? advanced.task() : null;
              if (task != null) {
                out.activity(task.agentId(), task.id());
              }
            }));
  }

  static boolean allowed(RoutingContext ctx, Role role) {
    if (Authenticator.of(ctx).isOperatorWith(role)) {
      return true;
    }
    HttpErrors.respond(
        ctx,
        403,
        "forbidden",
        "this needs an operator with the " + role.name().toLowerCase(Locale.ROOT) + " role");
    return false;
  }

  private static Long longParam(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    return value == null ? null : Long.parseLong(value);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    String value = ctx.queryParams().get(name);
    return value == null ? fallback : Integer.parseInt(value);
  }
}
