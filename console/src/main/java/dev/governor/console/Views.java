package dev.governor.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.EscalationDetail;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The JSON shapes of the API's answers. */
final class Views {

  private Views() {}

  static void send(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body instanceof String text ? text : Json.write(body));
  }

  /** An agent as registered: active, its circuit closed. */
  static ObjectNode agent(Agent agent) {
    return agent(agent, Circuit.closed(agent.id()), List.of());
  }

  /** An agent with its status and circuit. */
  static ObjectNode agent(Agent agent, Circuit circuit, List<Alert> openAlerts) {
    ObjectNode node = Json.MAPPER.valueToTree(agent);
    node.put("status", status(circuit, openAlerts));
    node.set("circuit", circuit(circuit));
    return node;
  }

  /** {@code paused} while the circuit is open, else {@code silent} while the watchdog says so. */
  static String status(Circuit circuit, List<Alert> openAlerts) {
    if (circuit.isOpen()) {
      return "paused";
    }
    return openAlerts.stream().anyMatch(a -> Alert.SILENT.equals(a.kind())) ? "silent" : "active";
  }

  static ObjectNode circuit(Circuit circuit) {
    ObjectNode node = Json.MAPPER.valueToTree(circuit);
    node.remove("agentId");
    return node;
  }

  static ObjectNode escalation(EscalationDetail detail) {
    ObjectNode node = Json.MAPPER.valueToTree(detail.escalation());
    if (detail.agent() != null) {
      node.set("agent", agent(detail.agent()));
    }
    node.set("plan", Json.MAPPER.valueToTree(detail.plan()));
    node.set("decision", Json.MAPPER.valueToTree(detail.decision()));
    node.set("history", Json.MAPPER.valueToTree(detail.history()));
    node.set("createdByAgents", Json.MAPPER.valueToTree(detail.createdByAgents()));
    return node;
  }

  static ObjectNode auditEntry(AuditEntry entry) {
    ObjectNode node = Json.MAPPER.valueToTree(entry);
    node.set("payload", parse(entry.payload()));
    return node;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
