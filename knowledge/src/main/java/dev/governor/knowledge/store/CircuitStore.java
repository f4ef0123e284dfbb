package dev.governor.knowledge.store;

import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.AgentCommand;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.CircuitState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Each agent's circuit breaker, the commands pushed down agents' command channels, and the alerts
 * raised to operators. Writes go through the store's one writer, with their audit entries; circuit
 * states are also held in memory (loaded at start, updated after each commit), so a review can ask
 * for an agent's circuit without a query.
 */
public final class CircuitStore {

  /**
   * What one transition did: the circuit before and after, the command it sent (or null), the alert
   * it raised (or null) and the alerts it cleared.
   */
  public record Change(
      Circuit before, Circuit after, AgentCommand command, Alert raised, List<Alert> cleared) {}

  private final KnowledgeStore store;
  private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();

  CircuitStore(KnowledgeStore store) {
    this.store = store;
    try (Connection connection = store.reader();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM circuits")) {
      while (rows.next()) {
        Circuit circuit = circuit(rows);
        circuits.put(circuit.agentId(), circuit);
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** The agent's circuit; CLOSED for an agent whose circuit never moved. */
  public Circuit circuit(String agentId) {
    return circuits.getOrDefault(agentId, Circuit.closed(agentId));
  }

  /** Circuits that are not CLOSED. */
  public List<Circuit> notClosed() {
    return circuits.values().stream().filter(c -> c.state() != CircuitState.CLOSED).toList();
  }

  /** How many agents' circuits are in each state (a blocking read: it counts the agents). */
  public Map<CircuitState, Long> countByState() {
    long agents;
    try (Connection connection = store.reader();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM agents")) {
      rows.next();
      agents = rows.getLong(1);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
    Map<CircuitState, Long> counts = new EnumMap<>(CircuitState.class);
    for (CircuitState state : CircuitState.values()) {
      counts.put(state, 0L);
    }
    circuits.values().forEach(c -> counts.merge(c.state(), 1L, Long::sum));
    long moved = counts.get(CircuitState.OPEN) + counts.get(CircuitState.HALF_OPEN);
    counts.put(CircuitState.CLOSED, Math.max(0, agents - moved));
    return counts;
  }

  /**
   * Moves an agent's circuit by {@code step}, applied in the writer to the circuit as recorded
   * (null from {@code step} means no move), records the move, the command {@code commandFor} picks
   * for it, the {@code circuit_open} alert when a closed circuit opens, and clears that alert when
   * the circuit closes. Empty when there was no move.
   */
  public CompletableFuture<Optional<Change>> transition(
      String agentId,
      UnaryOperator<Circuit> step,
      BiFunction<Circuit, Circuit, String> commandFor,
      String actor,
      Instant now) {
    return store
        .submit(
            tx -> {
              Circuit before = read(tx.connection(), agentId).orElse(Circuit.closed(agentId));
              Circuit after = step.apply(before);
              if (after == null) {
                return Optional.<Change>empty();
              }
              write(tx.connection(), after);
              tx.audit(
                  now,
                  "circuit." + after.state().name().toLowerCase(Locale.ROOT),
                  actor,
                  "agent:" + agentId,
                  Json.write(after));
              String command = commandFor.apply(before, after);
              AgentCommand sent =
                  command == null
                      ? null
                      : command(tx, agentId, command, after.reason(), actor, now);
              Alert raised = null;
              List<Alert> cleared = List.of();
              if (before.state() == CircuitState.CLOSED && after.isOpen()) {
                raised =
                    raise(tx, agentId, Alert.CIRCUIT_OPEN, "circuit opened: " + after.reason(), now)
                        .orElse(null);
              } else if (after.state() == CircuitState.CLOSED) {
                cleared = clear(tx, agentId, Alert.CIRCUIT_OPEN, actor, now);
              }
              return Optional.of(new Change(before, after, sent, raised, cleared));
            })
        .thenApply(
            change -> {
              change.ifPresent(c -> circuits.put(agentId, c.after()));
              return change;
            });
  }

  /** Records a command for an agent that moves no circuit (an operator's abort). */
  public CompletableFuture<AgentCommand> recordCommand(
      String agentId, String command, String reason, String actor, Instant now) {
    return store.submit(tx -> command(tx, agentId, command, reason, actor, now));
  }

  /** Raises an alert unless one of that kind is already open for the agent. */
  public CompletableFuture<Optional<Alert>> raiseAlert(
      String agentId, String kind, String message, Instant now) {
    return store.submit(tx -> raise(tx, agentId, kind, message, now));
  }

  /** Clears the agent's open alerts of that kind. */
  public CompletableFuture<List<Alert>> clearAlerts(
      String agentId, String kind, String actor, Instant now) {
    return store.submit(tx -> clear(tx, agentId, kind, actor, now));
  }

  /** The agent's commands after {@code afterSeq}, oldest first. */
  public List<AgentCommand> commands(String agentId, long afterSeq, int limit) {
    List<AgentCommand> found = new ArrayList<>();
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT * FROM agent_commands WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
      select.setString(1, agentId);
      select.setLong(2, afterSeq);
      select.setInt(3, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(
              new AgentCommand(
                  rows.getLong("seq"),
                  rows.getString("agent_id"),
                  rows.getString("command"),
                  rows.getString("reason"),
                  rows.getString("actor"),
                  Instant.ofEpochMilli(rows.getLong("at"))));
        }
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
    return found;
  }

  /** Alerts, newest first; only the open ones unless {@code all}. */
  public List<Alert> alerts(boolean all, int limit) {
    return alerts(
        "SELECT * FROM alerts"
            + (all ? "" : " WHERE cleared_at IS NULL")
            + " ORDER BY raised_at DESC LIMIT ?",
        null,
        limit);
  }

  /** How many alerts are not cleared. */
  public long openAlertCount() {
    try (Connection connection = store.reader();
        Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery("SELECT COUNT(*) FROM alerts WHERE cleared_at IS NULL")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** Every open alert, newest first. */
  public List<Alert> openAlerts() {
    return alerts(
        "SELECT * FROM alerts WHERE cleared_at IS NULL ORDER BY raised_at DESC LIMIT ?",
        null,
        Integer.MAX_VALUE);
  }

  /** The agent's open alerts. */
  public List<Alert> openAlerts(String agentId) {
    return alerts(
        "SELECT * FROM alerts WHERE agent_id = ? AND cleared_at IS NULL ORDER BY raised_at DESC"
            + " LIMIT ?",
        agentId,
        100);
  }

  private List<Alert> alerts(String sql, String agentId, int limit) {
    List<Alert> found = new ArrayList<>();
    try (Connection connection = store.reader();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int i = 1;
      if (agentId != null) {
        select.setString(i++, agentId);
      }
      select.setInt(i, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(alert(rows));
        }
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
    return found;
  }

  private static AgentCommand command(
      GroupCommitWriter.Tx tx,
      String agentId,
      String command,
      String reason,
      String actor,
      Instant now)
      throws SQLException {
    long seq;
    try (Statement max = tx.connection().createStatement();
        ResultSet rows = max.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM agent_commands")) {
      rows.next();
      seq = rows.getLong(1) + 1;
    }
    AgentCommand sent = new AgentCommand(seq, agentId, command, reason, actor, now);
    try (PreparedStatement insert =
        tx.connection()
            .prepareStatement(
                "INSERT INTO agent_commands (seq, agent_id, command, reason, actor, at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, seq);
      insert.setString(2, agentId);
      insert.setString(3, command);
      insert.setString(4, reason);
      insert.setString(5, actor);
      insert.setLong(6, now.toEpochMilli());
      insert.executeUpdate();
    }
    tx.audit(now, "command.issued", actor, "agent:" + agentId, Json.write(sent));
    return sent;
  }

  private static Optional<Alert> raise(
      GroupCommitWriter.Tx tx, String agentId, String kind, String message, Instant now)
      throws SQLException {
    try (PreparedStatement open =
        tx.connection()
            .prepareStatement(
                "SELECT COUNT(*) FROM alerts WHERE agent_id = ? AND kind = ?"
                    + " AND cleared_at IS NULL")) {
      open.setString(1, agentId);
      open.setString(2, kind);
      try (ResultSet rows = open.executeQuery()) {
        rows.next();
        if (rows.getLong(1) > 0) {
          return Optional.empty();
        }
      }
    }
    Alert pending = new Alert(UUID.randomUUID().toString(), agentId, kind, message, now, null, 0);
    AuditEntry entry =
        tx.audit(now, "alert.raised", "governor", "agent:" + agentId, Json.write(pending));
    Alert alert =
        new Alert(pending.id(), agentId, kind, message, pending.raisedAt(), null, entry.seq());
    try (PreparedStatement insert =
        tx.connection()
            .prepareStatement(
                "INSERT INTO alerts (id, agent_id, kind, message, raised_at, audit_seq)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, alert.id());
      insert.setString(2, agentId);
      insert.setString(3, kind);
      insert.setString(4, message);
      insert.setLong(5, now.toEpochMilli());
      insert.setLong(6, alert.auditSeq());
      insert.executeUpdate();
    }
    return Optional.of(alert);
  }

  private static List<Alert> clear(
      GroupCommitWriter.Tx tx, String agentId, String kind, String actor, Instant now)
      throws SQLException {
    List<Alert> open = new ArrayList<>();
    try (PreparedStatement select =
        tx.connection()
            .prepareStatement(
                "SELECT * FROM alerts WHERE agent_id = ? AND kind = ? AND cleared_at IS NULL")) {
      select.setString(1, agentId);
      select.setString(2, kind);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          open.add(alert(rows));
        }
      }
    }
    List<Alert> cleared = new ArrayList<>();
    for (Alert alert : open) {
      try (PreparedStatement update =
          tx.connection().prepareStatement("UPDATE alerts SET cleared_at = ? WHERE id = ?")) {
        update.setLong(1, now.toEpochMilli());
        update.setString(2, alert.id());
        update.executeUpdate();
      }
      Alert done =
          new Alert(
              alert.id(), agentId, kind, alert.message(), alert.raisedAt(), now, alert.auditSeq());
      tx.audit(now, "alert.cleared", actor, "agent:" + agentId, Json.write(done));
      cleared.add(done);
    }
    return cleared;
  }

  private static Optional<Circuit> read(Connection connection, String agentId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM circuits WHERE agent_id = ?")) {
      select.setString(1, agentId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(circuit(rows)) : Optional.empty();
      }
    }
  }

  private static void write(Connection connection, Circuit circuit) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE circuits SET state = ?, trip = ?, reason = ?, changed_at = ?, due_at = ?"
                + " WHERE agent_id = ?")) {
      bind(update, circuit);
      if (update.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO circuits (state, trip, reason, changed_at, due_at, agent_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      bind(insert, circuit);
      insert.executeUpdate();
    }
  }

  private static void bind(PreparedStatement statement, Circuit circuit) throws SQLException {
    statement.setString(1, circuit.state().name());
    statement.setString(2, circuit.trip());
    statement.setString(3, circuit.reason());
    statement.setObject(
        4,
        circuit.changedAt() == null ? null : circuit.changedAt().toEpochMilli(),
        java.sql.Types.BIGINT);
    statement.setObject(
        5, circuit.dueAt() == null ? null : circuit.dueAt().toEpochMilli(), java.sql.Types.BIGINT);
    statement.setString(6, circuit.agentId());
  }

  private static Circuit circuit(ResultSet rows) throws SQLException {
    return new Circuit(
        rows.getString("agent_id"),
        CircuitState.valueOf(rows.getString("state")),
        rows.getString("trip"),
        rows.getString("reason"),
        instant(rows, "changed_at"),
        instant(rows, "due_at"));
  }

  private static Alert alert(ResultSet rows) throws SQLException {
    return new Alert(
        rows.getString("id"),
        rows.getString("agent_id"),
        rows.getString("kind"),
        rows.getString("message"),
        Instant.ofEpochMilli(rows.getLong("raised_at")),
        instant(rows, "cleared_at"),
        rows.getLong("audit_seq"));
  }

  private static Instant instant(ResultSet rows, String column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
