package dev.governor.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.EscalationDetail;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON shapes of the API's answers. */
final class Views {

  private Views() {}

  static void send(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body instanceof String text ? text : Json.write(body));
  }

  static ObjectNode agent(Agent agent) {
    ObjectNode node = Json.MAPPER.valueToTree(agent);
    // Nothing can pause an agent yet; every registered agent is active.
    node.put("status", "active");
    return node;
  }

  static ObjectNode escalation(EscalationDetail detail) {
    ObjectNode node = Json.MAPPER.valueToTree(detail.escalation());
    if (detail.agent() != null) {
      node.set("agent", agent(detail.agent()));
    }
    node.set("plan", Json.MAPPER.valueToTree(detail.plan()));
    node.set("decision", Json.MAPPER.valueToTree(detail.decision()));
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
