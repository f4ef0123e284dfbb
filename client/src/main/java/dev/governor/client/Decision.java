package dev.governor.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan's decision: its verdict ({@code APPROVED}, {@code DENIED} or {@code ESCALATED}), the
 * findings behind it, the escalation a person answers when it is escalated, and the whole answer.
 */
public record Decision(
    String planId, String verdict, List<Finding> findings, String escalationId, JsonNode body) {

  /** One rule's finding. */
  public record Finding(String rule, String severity, String stepId, String message) {}

  public boolean approved() {
    return "APPROVED".equals(verdict);
  }

  public boolean escalated() {
    return "ESCALATED".equals(verdict);
  }

  /** The verdict of one step. */
  public String stepVerdict(String stepId) {
    for (JsonNode step : body.path("steps")) {
      if (stepId.equals(step.path("id").asText())) {
        return step.path("verdict").asText();
      }
    }
    return null;
  }

  static Decision of(JsonNode body) {
    List<Finding> findings = new ArrayList<>();
    for (JsonNode finding : body.path("findings")) {
      findings.add(
          new Finding(
              finding.path("rule").asText(),
              finding.path("severity").asText(),
              finding.path("stepId").isNull() ? null : finding.path("stepId").asText(null),
              finding.path("message").asText()));
    }
    String escalation = body.path("escalationId").asText(null);
    return new Decision(
        body.path("planId").asText(), body.path("verdict").asText(), findings, escalation, body);
  }
}
