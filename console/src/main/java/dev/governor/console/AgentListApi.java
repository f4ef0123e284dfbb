package dev.governor.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.UsageQuery;
import dev.governor.knowledge.bus.Messages.UsageReport;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every agent at a glance, for operators: its status and circuit as {@code GET /agents/{id}} shows
 * them, and its usage against its budgets as Monitor counts it for {@code GET /agents/{id}/usage}.
 */
final class AgentListApi {

  /** An agent with its circuit and its open alerts, as the store holds them. */
  private record Standing(Agent agent, Circuit circuit, List<Alert> alerts) {
    String status() {
      return Views.status(circuit, alerts);
    }
  }

  private final Knowledge knowledge;
  private final EventBus bus;

  AgentListApi(Knowledge knowledge, EventBus bus) {
    this.knowledge = knowledge;
    this.bus = bus;
  }

  /** {@code GET /agents?environment=&status=}: by name. */
  void list(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.VIEWER)) {
      return;
    }
    String environment = ctx.queryParams().get("environment");
    String status = ctx.queryParams().get("status");
    knowledge
        .read(
            s -> {
              Map<String, List<Alert>> alerts =
                  s.circuits().openAlerts().stream().collect(Collectors.groupingBy(Alert::agentId));
              return s.agents().stream()
                  .filter(
                      a -> environment == null || a.environment().wireName().equals(environment))
                  .map(
                      a ->
                          new Standing(
                              a,
                              s.circuits().circuit(a.id()),
                              alerts.getOrDefault(a.id(), List.of())))
                  .filter(standing -> status == null || standing.status().equals(status))
                  .toList();
            })
        .compose(
            standings ->
                Future.all(
                    standings.stream()
                        .map(
                            standing ->
                                bus.<UsageReport>request(
                                        Bus.MONITOR_USAGE, new UsageQuery(standing.agent().id()))
                                    .map(reply -> view(standing, reply.body())))
                        .toList()))
        .onSuccess(
            views -> {
              ObjectNode answer = Json.MAPPER.createObjectNode();
              ArrayNode list = answer.putArray("agents");
              views.<ObjectNode>list().forEach(list::add);
              Views.send(ctx, 200, answer);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private static ObjectNode view(Standing standing, UsageReport report) {
    ObjectNode view = Views.agent(standing.agent(), standing.circuit(), standing.alerts());
    Usage total = TelemetryApi.total(report);
    ObjectNode usage = TelemetryApi.totals(total);
    // Runtime and action depth are budgets per task: the task nearest to each is what counts.
    usage.put(
        "longestTaskSeconds",
        report.tasks().stream().mapToLong(Usage::runtimeSeconds).max().orElse(0));
    usage.put("deepestTaskSteps", report.tasks().stream().mapToLong(Usage::steps).max().orElse(0));
    view.set("usage", usage);
    Instant lastSeen = latest(report.lastHeard(), total.lastAt());
    if (lastSeen != null) {
      view.put("lastSeen", lastSeen.toString());
    }
    return view;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
