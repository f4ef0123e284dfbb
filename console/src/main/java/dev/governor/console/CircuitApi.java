package dev.governor.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.Adapted;
import dev.governor.knowledge.bus.Messages.BudgetsChange;
import dev.governor.knowledge.bus.Messages.BudgetsChanged;
import dev.governor.knowledge.bus.Messages.CommandIssued;
import dev.governor.knowledge.bus.Messages.OperatorCommand;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.AgentCommand;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Role;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The effector side of the API: each agent's command stream (Server-Sent Events), operators'
 * commands and circuit resets, budgets, and alerts.
 */
final class CircuitApi {

  private static final long KEEP_ALIVE_MILLIS = 15_000;
  private static final int BACKLOG_LIMIT = 10_000;

  private final Vertx vertx;
  private final Knowledge knowledge;

  CircuitApi(Vertx vertx, Knowledge knowledge) {
    this.vertx = vertx;
    this.knowledge = knowledge;
  }

  /**
   * The agent's commands as Server-Sent Events: first every recorded command after {@code ?after=}
   * or {@code Last-Event-ID} (all of them when neither is given), then each new one as it is
   * issued. The consumer is registered before the backlog is read, so a command issued in between
   * is neither lost nor sent twice.
   */
  void commandStream(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    Principal principal = Authenticator.of(ctx);
    if (!principal.isAgent(agentId) && !principal.isOperatorWith(Role.VIEWER)) {
      HttpErrors.respond(ctx, 403, "forbidden", "an agent's token reads its own commands only");
      return;
    }
    String cursor = ctx.queryParams().get("after");
    if (cursor == null) {
      cursor = ctx.request().getHeader("last-event-id");
    }
    long after;
    try {
      after = cursor == null || cursor.isBlank() ? 0 : Long.parseLong(cursor.strip());
    } catch (NumberFormatException e) {
      HttpErrors.respond(
          ctx, 400, "invalid_request", "Last-Event-ID is the seq of a command, not " + cursor);
      return;
    }
    knowledge
        .read(s -> s.agent(agentId).isPresent())
        .onSuccess(
            exists -> {
              if (exists) {
                stream(ctx, agentId, after);
              } else {
                HttpErrors.respond(ctx, 404, "unknown_agent", "no agent " + agentId);
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private void stream(RoutingContext ctx, String agentId, long after) {
    HttpServerResponse response =
        ctx.response()
            .setChunked(true)
            .putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-cache");
    response.write(": connected\n\n");
    long[] last = {after};
    List<AgentCommand> early = new ArrayList<>();
    boolean[] live = {false};
    MessageConsumer<CommandIssued> consumer =
        vertx
            .eventBus()
            .consumer(
                Bus.EXECUTE_COMMANDS,
                message -> {
                  AgentCommand command = message.body().command();
                  if (!command.agentId().equals(agentId)) {
                    return;
                  }
                  if (live[0]) {
                    send(response, command, last);
                  } else {
                    early.add(command);
                  }
                });
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, id -> response.write(": keep-alive\n\n"));
    response.closeHandler(
        closed -> {
          consumer.unregister();
          vertx.cancelTimer(keepAlive);
        });
    consumer
        .completion()
        .compose(v -> knowledge.read(s -> s.circuits().commands(agentId, after, BACKLOG_LIMIT)))
        .onSuccess(
            backlog -> {
              backlog.forEach(command -> send(response, command, last));
              early.forEach(command -> send(response, command, last));
              early.clear();
              live[0] = true;
            })
        .onFailure(failure -> response.reset());
  }

  private static void send(HttpServerResponse response, AgentCommand command, long[] last) {
    if (command.seq() <= last[0] || response.closed()) {
      return;
    }
    last[0] = command.seq();
    response.write(
        "id: " + command.seq() + "\nevent: command\ndata: " + Json.write(command) + "\n\n");
  }

  void command(RoutingContext ctx) {
    JsonObject body = AgentApi.bodyOf(ctx);
    operatorCommand(ctx, body.getString("command"), body.getString("reason"));
  }

  void reset(RoutingContext ctx) {
    JsonObject body =
        ContractValidation.tree(ctx) == null ? new JsonObject() : AgentApi.bodyOf(ctx);
    operatorCommand(ctx, "reset", body.getString("reason"));
  }

  private void operatorCommand(RoutingContext ctx, String command, String reason) {
    if (!OperatorApi.allowed(ctx, Role.APPROVER)) {
      return;
    }
    Principal.OperatorPrincipal operator = (Principal.OperatorPrincipal) Authenticator.of(ctx);
    vertx
        .eventBus()
        .<Adapted>request(
            Bus.EXECUTE_COMMAND_AGENT,
            new OperatorCommand(
                ctx.pathParam("agentId"), command, reason, operator.operator().name()))
        .onSuccess(
            reply -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              view.set("circuit", Views.circuit(reply.body().circuit()));
              if (reply.body().command() != null) {
                view.set("command", Json.MAPPER.valueToTree(reply.body().command()));
              }
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  void setBudgets(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.ADMIN)) {
      return;
    }
    Budgets budgets = ContractValidation.body(ctx, Budgets.class);
    String agentId = ctx.pathParam("agentId");
    vertx
        .eventBus()
        .<BudgetsChanged>request(
            Bus.MONITOR_SET_BUDGETS,
            new BudgetsChange(agentId, budgets, Authenticator.of(ctx).actor()))
        .compose(
            reply ->
                knowledge.read(
                    s ->
                        Views.agent(
                            reply.body().agent(),
                            s.circuits().circuit(agentId),
                            s.circuits().openAlerts(agentId))))
        .onSuccess(view -> Views.send(ctx, 200, view))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  void listAlerts(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.VIEWER)) {
      return;
    }
    boolean all = "all".equals(ctx.queryParams().get("status"));
    String limitParam = ctx.queryParams().get("limit");
    int limit = limitParam == null ? 100 : Integer.parseInt(limitParam);
    knowledge
        .read(s -> s.circuits().alerts(all, limit))
        .onSuccess(
            alerts -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              ArrayNode list = view.putArray("alerts");
              alerts.forEach(alert -> list.add(Json.MAPPER.valueToTree(alert)));
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }
}
