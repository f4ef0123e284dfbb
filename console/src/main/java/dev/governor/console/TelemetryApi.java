package dev.governor.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.Heartbeat;
import dev.governor.knowledge.bus.Messages.HeartbeatRecorded;
import dev.governor.knowledge.bus.Messages.TelemetryAccepted;
import dev.governor.knowledge.bus.Messages.TelemetryBatch;
import dev.governor.knowledge.bus.Messages.UsageQuery;
import dev.governor.knowledge.bus.Messages.UsageReport;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.TelemetryEvent;
import dev.governor.knowledge.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The routes agents use to report on themselves: telemetry, heartbeats; and usage to read. */
final class TelemetryApi {

  private final Knowledge knowledge;
  private final EventBus bus;
  private final ReviewMetrics metrics;

  TelemetryApi(Knowledge knowledge, EventBus bus, ReviewMetrics metrics) {
    this.knowledge = knowledge;
    this.bus = bus;
    this.metrics = metrics;
  }

  void ingest(RoutingContext ctx) {
    Agent agent = callingAgent(ctx, "only the agent itself sends its telemetry");
    if (agent == null) {
      return;
    }
    JsonNode body = ContractValidation.tree(ctx);
    // Turning a large batch into records is work too: off the event loop, like its validation.
    ctx.vertx()
        .executeBlocking(() -> new TelemetryBatch(agent, events(body), ctx.body().asString()), true)
        .compose(batch -> bus.<TelemetryAccepted>request(Bus.MONITOR_INGEST_TELEMETRY, batch))
        .onSuccess(
            reply -> {
              metrics.ingested(reply.body().accepted());
              Views.send(ctx, 200, reply.body());
            })
        .onFailure(
            failure -> {
              Problem problem = Problem.of(failure);
              if (problem.failure().code() == 429) {
                metrics.rejected(body.get("events").size());
                ctx.response().putHeader("retry-after", "1");
              }
              HttpErrors.respond(ctx, problem);
            });
  }

  private static List<TelemetryEvent> events(JsonNode body) {
    try {
      return Arrays.asList(Json.MAPPER.treeToValue(body.get("events"), TelemetryEvent[].class));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  void heartbeat(RoutingContext ctx) {
    Agent agent = callingAgent(ctx, "only the agent itself sends its heartbeats");
    if (agent == null) {
      return;
    }
    bus.<HeartbeatRecorded>request(Bus.MONITOR_HEARTBEAT, new Heartbeat(agent.id()))
        .onSuccess(reply -> Views.send(ctx, 200, reply.body()))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  /** The agent, its circuit and its open alerts, as the store holds them. */
  private record Standing(Optional<Agent> agent, Circuit circuit, List<Alert> alerts) {}

  /**
   * The agent's running figures (from Monitor) against its budgets, with its circuit and status.
   */
  void usage(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    Principal principal = Authenticator.of(ctx);
    if (!principal.isAgent(agentId) && !principal.isOperatorWith(Role.VIEWER)) {
      HttpErrors.respond(ctx, 403, "forbidden", "an agent's token reads that agent only");
      return;
    }
    knowledge
        .read(
            s ->
                new Standing(
                    s.agent(agentId),
                    s.circuits().circuit(agentId),
                    s.circuits().openAlerts(agentId)))
        .compose(
            standing ->
                standing.agent().isEmpty()
                    ? Future.succeededFuture(null)
                    : bus.<UsageReport>request(Bus.MONITOR_USAGE, new UsageQuery(agentId))
                        .map(reply -> view(standing, reply.body())))
        .onSuccess(
            view -> {
              if (view == null) {
                HttpErrors.respond(ctx, 404, "unknown_agent", "no agent " + agentId);
              } else {
                Views.send(ctx, 200, view);
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private static ObjectNode view(Standing standing, UsageReport report) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("agentId", report.agentId());
    view.set("budgets", Json.MAPPER.valueToTree(standing.agent().get().budgets()));
    ArrayNode tasks = Json.MAPPER.createArrayNode();
    report.tasks().stream()
        .sorted(Comparator.comparing(Usage::taskId))
        .forEach(task -> tasks.add(figures(task).put("taskId", task.taskId())));
    view.set("total", totals(total(report)));
    view.set("tasks", tasks);
    view.set("circuit", Views.circuit(standing.circuit()));
    view.put("status", Views.status(standing.circuit(), standing.alerts()));
    if (report.lastHeard() != null) {
      view.put("lastHeartbeat", report.lastHeard().toString());
    }
    return view;
  }

  /** The agent's figures summed over its tasks. */
  static Usage total(UsageReport report) {
    Usage total = Usage.empty(report.agentId(), "");
    for (Usage task :
        report.tasks().stream().sorted(Comparator.comparing(Usage::taskId)).toList()) {
      total = total.plus(task);
    }
    return total;
  }

  /** Figures over several tasks: runtime is a per-task budget, so a sum of it would mislead. */
  static ObjectNode totals(Usage total) {
    ObjectNode totals = figures(total);
    totals.remove("runtimeSeconds");
    return totals;
  }

  static ObjectNode figures(Usage usage) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("tokensIn", usage.tokensIn());
    node.put("tokensOut", usage.tokensOut());
    node.put("tokens", usage.tokens());
    node.put("costUsd", usage.costUsd());
    node.put("toolCalls", usage.toolCalls());
    node.put("toolErrors", usage.toolErrors());
    node.put("steps", usage.steps());
    node.put("plans", usage.plans());
    node.put("runtimeSeconds", usage.runtimeSeconds());
    return node;
  }

  /** The calling agent when it is the one in the path; otherwise answers 403 or 404. */
  private Agent callingAgent(RoutingContext ctx, String why) {
    String agentId = ctx.pathParam("agentId");
    if (Authenticator.of(ctx) instanceof Principal.AgentPrincipal caller
        && caller.agent().id().equals(agentId)) {
      return caller.agent();
    }
    AgentApi.refuseForeignAgent(knowledge, ctx, agentId, why);
    return null;
  }
}
