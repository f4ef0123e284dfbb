package dev.governor.knowledge.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.TimelineEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The history of an agent or a task as a trace, newest first, read from what is already recorded:
 * the audit log (plans, decisions, escalations, step reports, commands, circuits, tasks and their
 * gates) and the leases a decision or a step report took or released in the same transaction.
 */
public final class TimelineStore {

  /** One page of a trace; {@code next} is the position to ask {@code before} for older events. */
  public record Page(
      List<TimelineEvent> events, @JsonInclude(JsonInclude.Include.ALWAYS) Long next) {}

  private static final String AGENT_ENTRIES =
      "SELECT * FROM audit_log WHERE seq < ? AND seq IN ("
          + "SELECT seq FROM audit_log WHERE subject = ?"
          + " UNION SELECT seq FROM audit_log WHERE actor = ?"
          + " UNION SELECT a.seq FROM plans p JOIN audit_log a ON a.subject = CONCAT('plan:', p.id)"
          + " WHERE p.agent_id = ?"
          + " UNION SELECT a.seq FROM escalations e"
          + " JOIN audit_log a ON a.subject = CONCAT('escalation:', e.id) WHERE e.agent_id = ?"
          + " UNION SELECT a.seq FROM tasks t JOIN audit_log a ON a.subject = CONCAT('task:', t.id)"
          + " WHERE t.agent_id = ?"
          + ") ORDER BY seq DESC LIMIT ?";

  private static final String TASK_ENTRIES =
      "SELECT * FROM audit_log WHERE seq < ? AND seq IN ("
          + "SELECT seq FROM audit_log WHERE subject = ?"
          + " UNION SELECT a.seq FROM plans p JOIN audit_log a ON a.subject = CONCAT('plan:', p.id)"
          + " WHERE p.task_id = ?"
          // Step reports are about "plan:<id>/step:<id>": a range of the subject index (';' sorts
          // right after ':'), walked from each of the task's plans.
          + " UNION SELECT a.seq FROM plans p JOIN audit_log a"
          + " ON a.subject >= CONCAT('plan:', p.id, '/step:')"
          + " AND a.subject < CONCAT('plan:', p.id, '/step;') WHERE p.task_id = ?"
          + " UNION SELECT a.seq FROM plans p JOIN escalations e ON e.plan_id = p.id"
          + " JOIN audit_log a ON a.subject = CONCAT('escalation:', e.id) WHERE p.task_id = ?"
          + ") ORDER BY seq DESC LIMIT ?";

  private final KnowledgeStore store;

  TimelineStore(KnowledgeStore store) {
    this.store = store;
  }

  /** The agent's trace before {@code before} (null: from the newest), or empty for no agent. */
  public Optional<Page> agent(String agentId, Long before, int limit) {
    if (store.agent(agentId).isEmpty()) {
      return Optional.empty();
    }
    String agent = "agent:" + agentId;
    return Optional.of(page(AGENT_ENTRIES, before, limit, agent, agent, agentId, agentId, agentId));
  }

  /** The task's trace before {@code before} (null: from the newest), or empty for no task. */
  public Optional<Page> task(String taskId, Long before, int limit) {
    if (store.tasks().task(taskId).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(page(TASK_ENTRIES, before, limit, "task:" + taskId, taskId, taskId, taskId));
  }

  private Page page(String sql, Long before, int limit, String... keys) {
    try (Connection connection = store.reader();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setLong(1, before == null ? Long.MAX_VALUE : before);
      for (int i = 0; i < keys.length; i++) {
        select.setString(i + 2, keys[i]);
      }
      // One more than asked tells whether older entries remain.
      select.setInt(keys.length + 2, limit + 1);
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(KnowledgeStore.auditEntry(rows));
        }
      }
      boolean more = entries.size() > limit;
      List<AuditEntry> shown = more ? entries.subList(0, limit) : entries;
      List<TimelineEvent> events = new ArrayList<>();
      for (AuditEntry entry : shown) {
        expand(connection, entry, events);
      }
      return new Page(events, more ? shown.get(shown.size() - 1).seq() : null);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** The events of one entry, the consequences (leases) first, as the trace is newest first. */
  private static void expand(Connection connection, AuditEntry entry, List<TimelineEvent> events)
      throws SQLException {
    JsonNode payload = tree(entry.payload());
    String type = entry.type();
    switch (type) {
      case "plan.received" -> {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.set("goal", payload.path("goal"));
        details.set("steps", payload.path("steps"));
        int steps = payload.path("steps").size();
        events.add(
            event(
                entry,
                "plan",
                payload,
                "Plan \"" + payload.path("goal").asText() + "\" with " + count(steps, "step"),
                details));
      }
      case "decision.made" -> {
        String planId = payload.path("planId").asText();
        leasesGranted(connection, entry, planId, events);
        for (JsonNode finding : payload.path("findings")) {
          if (finding.path("rule").asText().toLowerCase(Locale.ROOT).contains("lease")
              && !"APPROVED".equals(finding.path("verdict").asText())) {
            ObjectNode details = Json.MAPPER.createObjectNode();
            details.put("state", "refused");
            details.set("finding", finding);
            events.add(
                event(
                    entry,
                    "lease",
                    payload,
                    "Lease refused for step "
                        + finding.path("stepId").asText()
                        + " ("
                        + finding.path("verdict").asText().toLowerCase(Locale.ROOT)
                        + "): "
                        + finding.path("message").asText(),
                    details));
          }
        }
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.set("verdict", payload.path("verdict"));
        details.set("steps", payload.path("steps"));
        details.set("findings", payload.path("findings"));
        details.set("ruleSetVersion", payload.path("ruleSetVersion"));
        events.add(
            event(
                entry,
                "decision",
                payload,
                payload.path("verdict").asText()
                    + " by "
                    + entry.actor()
                    + " (rule set v"
                    + payload.path("ruleSetVersion").asText()
                    + "), "
                    + count(payload.path("findings").size(), "finding"),
                details));
      }
      case "escalation.opened" ->
          events.add(
              event(
                  entry,
                  "escalation",
                  payload,
                  "Escalated to a person ("
                      + payload.path("severity").asText().toLowerCase(Locale.ROOT)
                      + "), answer due "
                      + payload.path("deadline").asText(),
                  payload));
      case "escalation.resolved", "escalation.expired" -> {
        leasesGranted(connection, entry, payload.path("planId").asText(), events);
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.set("status", payload.path("status"));
        details.set("resolvedBy", payload.path("resolvedBy"));
        details.set("reason", payload.path("reason"));
        String summary =
            type.equals("escalation.expired")
                ? "Escalation expired unanswered: denied"
                : "Escalation "
                    + payload.path("status").asText().toLowerCase(Locale.ROOT)
                    + " by "
                    + payload.path("resolvedBy").asText()
                    + ": "
                    + payload.path("reason").asText();
        events.add(event(entry, "escalation", payload, summary, details));
      }
      case "step.reported" -> {
        leaseReleased(connection, entry, payload, events);
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.set("stepId", payload.path("stepId"));
        details.set("status", payload.path("status"));
        details.set("state", payload.path("state"));
        details.set("evidence", payload.path("evidence"));
        details.set("checks", payload.path("checks"));
        long passed = 0;
        for (JsonNode check : payload.path("checks")) {
          passed += check.path("ok").asBoolean() ? 1 : 0;
        }
        events.add(
            event(
                entry,
                "step",
                payload,
                "Step "
                    + payload.path("stepId").asText()
                    + " "
                    + payload.path("status").asText().toLowerCase(Locale.ROOT)
                    + ", now "
                    + payload.path("state").asText().toLowerCase(Locale.ROOT)
                    + "; evidence: "
                    + count(payload.path("evidence").size(), "envelope")
                    + ", "
                    + passed
                    + " of "
                    + count(payload.path("checks").size(), "check")
                    + " passed",
                details));
      }
      case "command.issued" ->
          events.add(
              event(
                  entry,
                  "command",
                  payload,
                  "Command "
                      + payload.path("command").asText()
                      + " by "
                      + entry.actor()
                      + reason(payload.path("reason")),
                  payload));
      case "circuit.open", "circuit.half_open", "circuit.closed" -> {
        String state = payload.path("state").asText();
        String summary =
            switch (state) {
              case "OPEN" -> "Circuit tripped (" + payload.path("trip").asText() + ")";
              case "HALF_OPEN" -> "Circuit half-open, probing";
              default -> "Circuit reset";
            };
        events.add(
            event(entry, "circuit", payload, summary + reason(payload.path("reason")), payload));
      }
      case "task.opened" ->
          events.add(
              event(
                  entry,
                  "task",
                  payload,
                  "Task opened: \""
                      + payload.path("goal").asText()
                      + "\" in phase "
                      + payload.path("phase").asText(),
                  payload));
      case "task.advanced" -> {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("state", "passed");
        details.set("from", payload.path("from"));
        details.set("to", payload.path("to"));
        details.set("evidence", payload.path("evidence"));
        details.set("checks", payload.path("checks"));
        events.add(
            event(
                entry,
                "gate",
                payload,
                "Gate passed: "
                    + payload.path("from").asText()
                    + " → "
                    + payload.path("to").asText(),
                details));
      }
      case "task.gate_refused" -> {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("state", "refused");
        details.set("from", payload.path("from"));
        details.set("to", payload.path("to"));
        details.set("missing", payload.path("missing"));
        details.set("evidence", payload.path("evidence"));
        details.set("checks", payload.path("checks"));
        List<String> missing = new ArrayList<>();
        payload.path("missing").forEach(item -> missing.add(item.asText()));
        events.add(
            event(
                entry,
                "gate",
                payload,
                "Gate refused: "
                    + payload.path("from").asText()
                    + " → "
                    + payload.path("to").asText()
                    + (missing.isEmpty() ? "" : "; missing: " + String.join("; ", missing)),
                details));
      }
      case "alert.raised", "alert.cleared" ->
          events.add(
              event(
                  entry,
                  "alert",
                  payload,
                  (type.equals("alert.raised") ? "Alert raised (" : "Alert cleared (")
                      + payload.path("kind").asText()
                      + "): "
                      + payload.path("message").asText(),
                  payload));
      case "agent.registered" ->
          events.add(
              event(
                  entry,
                  "agent",
                  payload,
                  "Registered as "
                      + payload.path("name").asText()
                      + " in "
                      + payload.path("environment").asText(),
                  payload));
      case "agent.budgets_changed" ->
          events.add(
              event(entry, "agent", payload, "Budgets changed by " + entry.actor(), payload));
      case "resource.created" ->
          events.add(
              event(
                  entry,
                  "resource",
                  payload,
                  "Created " + payload.path("target").asText(),
                  payload));
      default -> events.add(event(entry, "other", payload, type, payload));
    }
  }

  /** Leases are granted in the same write as the decision or resolution, so at the same instant. */
  private static void leasesGranted(
      Connection connection, AuditEntry entry, String planId, List<TimelineEvent> events)
      throws SQLException {
    for (Lease lease :
        leases(
            connection,
            "SELECT * FROM leases WHERE plan_id = ? AND acquired_at = ? ORDER BY fencing_token",
            planId,
            entry.at())) {
      events.add(
          leaseEvent(
              entry,
              lease,
              "granted",
              "Lease granted on "
                  + lease.resource()
                  + " for step "
                  + lease.stepId()
                  + " (fencing token "
                  + lease.fencingToken()
                  + ")"));
    }
  }

  /** A step report releases its step's lease in the same write, so at the same instant. */
  private static void leaseReleased(
      Connection connection, AuditEntry entry, JsonNode report, List<TimelineEvent> events)
      throws SQLException {
    for (Lease lease :
        leases(
            connection,
            "SELECT * FROM leases WHERE plan_id = ? AND step_id = ? AND released_at = ?",
            report.path("planId").asText(),
            report.path("stepId").asText(),
            entry.at())) {
      events.add(
          leaseEvent(
              entry,
              lease,
              "released",
              "Lease released on "
                  + lease.resource()
                  + " (fencing token "
                  + lease.fencingToken()
                  + ")"));
    }
  }

  private static List<Lease> leases(Connection connection, String sql, Object... arguments)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < arguments.length; i++) {
        if (arguments[i] instanceof Instant at) {
          select.setLong(i + 1, at.toEpochMilli());
        } else {
          select.setString(i + 1, (String) arguments[i]);
        }
      }
      List<Lease> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(LeaseStore.lease(rows));
        }
      }
      return found;
    }
  }

  private static TimelineEvent leaseEvent(
      AuditEntry entry, Lease lease, String state, String summary) {
    ObjectNode details = Json.MAPPER.valueToTree(lease);
    details.put("state", state);
    return new TimelineEvent(
        entry.seq(),
        entry.at(),
        "lease",
        entry.type(),
        entry.actor(),
        "resource:" + lease.resource(),
        lease.agentId(),
        null,
        lease.planId(),
        summary,
        details,
        null);
  }

  private static TimelineEvent event(
      AuditEntry entry, String kind, JsonNode payload, String summary, JsonNode details) {
    return new TimelineEvent(
        entry.seq(),
        entry.at(),
        kind,
        entry.type(),
        entry.actor(),
        entry.subject(),
        text(payload.path("agentId")),
        kind.equals("task") || kind.equals("gate") ? taskOf(entry) : text(payload.path("taskId")),
        planOf(entry, payload),
        summary,
        details,
        payload);
  }

  private static String taskOf(AuditEntry entry) {
    return entry.subject().startsWith("task:") ? entry.subject().substring(5) : null;
  }

  private static String planOf(AuditEntry entry, JsonNode payload) {
    String planId = text(payload.path("planId"));
    if (planId == null && entry.subject().startsWith("plan:")) {
      return entry.subject().substring(5);
    }
    return planId;
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  private static String reason(JsonNode reason) {
    return reason.isTextual() && !reason.asText().isBlank() ? ": " + reason.asText() : "";
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static JsonNode tree(String payload) {
    try {
      return Json.MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      // A payload is JSON as written; one that is not (tampered with) still shows, as text.
      return Json.MAPPER.getNodeFactory().textNode(payload);
    }
  }
}
