package dev.governor.knowledge.store;

import dev.governor.knowledge.model.Usage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What agents report about themselves: telemetry batches, heartbeats, and the running figures
 * (usage per agent and task) kept from them.
 *
 * <p>On H2 it has a database file of its own (see {@link KnowledgeStore#openH2}), its own writer
 * thread and connection, and its own bounded queue measured in events: a telemetry flood fills this
 * queue, and is refused with {@link KnowledgeException.Kind#BUSY}, instead of filling the review
 * writer's. Like every write, a batch is acknowledged only once committed. This writer keeps no
 * audit log: telemetry is data about the agent, not a decision.
 */
public final class TelemetryStore implements AutoCloseable {

  private static final int WRITER_QUEUE = 1_000_000;

  private static final int READ_POOL_SIZE = 4;

  private final ReadPool readers;
  private final GroupCommitWriter writer;
  private final AtomicLong queuedEvents = new AtomicLong();
  private volatile long capacity = 200_000;

  private TelemetryStore(ReadPool readers, Connection connection) throws SQLException {
    this.readers = readers;
    this.writer =
        new GroupCommitWriter(
            connection,
            null,
            WRITER_QUEUE,
            "governor-telemetry-writer",
            KnowledgeStore.durability(connection));
  }

  /** Opens the telemetry store on its (already migrated) database. */
  static TelemetryStore open(String jdbcUrl, String user, String password) throws SQLException {
    ReadPool readers = ReadPool.create(jdbcUrl, user, password, READ_POOL_SIZE);
    try {
      return new TelemetryStore(readers, DriverManager.getConnection(jdbcUrl, user, password));
    } catch (SQLException e) {
      readers.dispose();
      throw e;
    }
  }

  /** The most events that may wait for the telemetry writer; more are refused as busy. */
  public void capacity(long events) {
    if (events < 1) {
      throw new IllegalArgumentException("the telemetry queue holds at least one event");
    }
    this.capacity = events;
  }

  /** Events accepted but not yet committed. */
  public long queuedEvents() {
    return queuedEvents.get();
  }

  /**
   * Records a batch of {@code count} events (as validated JSON) and adds what they changed to the
   * running figures, in one transaction; returns the batch's sequence number.
   */
  public CompletableFuture<Long> recordBatch(
      String agentId, Instant at, int count, String events, Collection<Usage> increments) {
    return admitted(
        count,
        tx -> {
          Connection connection = tx.connection();
          long seq;
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO telemetry_batches (agent_id, received_at, event_count, events)"
                      + " VALUES (?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, agentId);
            insert.setLong(2, at.toEpochMilli());
            insert.setInt(3, count);
            insert.setString(4, events);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
              keys.next();
              seq = keys.getLong(1);
            }
          }
          addUsage(connection, increments);
          return seq;
        });
  }

  /** Adds to the running figures: the steps and plans of a plan, say. */
  public CompletableFuture<Void> recordUsage(Collection<Usage> increments) {
    return admitted(
        1,
        tx -> {
          addUsage(tx.connection(), increments);
          return null;
        });
  }

  /** Records that an agent was heard from. */
  public CompletableFuture<Void> recordHeartbeat(String agentId, Instant at) {
    return admitted(
        1,
        tx -> {
          try (PreparedStatement update =
              tx.connection()
                  .prepareStatement("UPDATE heartbeats SET last_at = ? WHERE agent_id = ?")) {
            update.setLong(1, at.toEpochMilli());
            update.setString(2, agentId);
            if (update.executeUpdate() == 0) {
              try (PreparedStatement insert =
                  tx.connection()
                      .prepareStatement(
                          "INSERT INTO heartbeats (agent_id, last_at) VALUES (?, ?)")) {
                insert.setString(1, agentId);
                insert.setLong(2, at.toEpochMilli());
                insert.executeUpdate();
              }
            }
          }
          return null;
        });
  }

  /** Every agent's figures, per task. */
  public List<Usage> usage() {
    return usage("SELECT * FROM agent_usage ORDER BY agent_id, task_id", null);
  }

  /** One agent's figures, per task. */
  public List<Usage> usage(String agentId) {
    return usage("SELECT * FROM agent_usage WHERE agent_id = ? ORDER BY task_id", agentId);
  }

  /** When each agent was last heard from. */
  public Map<String, Instant> heartbeats() {
    Map<String, Instant> found = new HashMap<>();
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT agent_id, last_at FROM heartbeats")) {
      while (rows.next()) {
        found.put(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)));
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
    return found;
  }

  /** Events recorded for an agent, over all its batches. */
  public long eventCount(String agentId) {
    try (Connection connection = readers.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT COALESCE(SUM(event_count), 0) FROM telemetry_batches WHERE agent_id = ?")) {
      select.setString(1, agentId);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  public boolean isRunning() {
    return writer.isRunning();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      writer.close();
    } finally {
      readers.dispose();
    }
  }

  private <T> CompletableFuture<T> admitted(int events, GroupCommitWriter.Work<T> work) {
    if (queuedEvents.addAndGet(events) > capacity) {
      queuedEvents.addAndGet(-events);
      return CompletableFuture.failedFuture(
          new KnowledgeException(
              KnowledgeException.Kind.BUSY,
              "the telemetry queue is full (" + capacity + " events); send again later"));
    }
    return writer.submit(work).whenComplete((done, failure) -> queuedEvents.addAndGet(-events));
  }

  private static void addUsage(Connection connection, Collection<Usage> increments)
      throws SQLException {
    for (Usage more : increments) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "UPDATE agent_usage SET tokens_in = tokens_in + ?, tokens_out = tokens_out + ?,"
                  + " cost_usd = cost_usd + ?, tool_calls = tool_calls + ?,"
                  + " tool_errors = tool_errors + ?, steps = steps + ?, plans = plans + ?,"
                  + " first_at = CASE WHEN first_at IS NULL OR first_at > ? THEN ?"
                  + " ELSE first_at END,"
                  + " last_at = CASE WHEN last_at IS NULL OR last_at < ? THEN ? ELSE last_at END"
                  + " WHERE agent_id = ? AND task_id = ?")) {
        update.setLong(1, more.tokensIn());
        update.setLong(2, more.tokensOut());
        update.setDouble(3, more.costUsd());
        update.setLong(4, more.toolCalls());
        update.setLong(5, more.toolErrors());
        update.setLong(6, more.steps());
        update.setLong(7, more.plans());
        long first = more.firstAt().toEpochMilli();
        long last = more.lastAt().toEpochMilli();
        update.setLong(8, first);
        update.setLong(9, first);
        update.setLong(10, last);
        update.setLong(11, last);
        update.setString(12, more.agentId());
        update.setString(13, more.taskId());
        if (update.executeUpdate() > 0) {
          continue;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO agent_usage (agent_id, task_id, tokens_in, tokens_out, cost_usd,"
                  + " tool_calls, tool_errors, steps, plans, first_at, last_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, more.agentId());
        insert.setString(2, more.taskId());
        insert.setLong(3, more.tokensIn());
        insert.setLong(4, more.tokensOut());
        insert.setDouble(5, more.costUsd());
        insert.setLong(6, more.toolCalls());
        insert.setLong(7, more.toolErrors());
        insert.setLong(8, more.steps());
        insert.setLong(9, more.plans());
        insert.setLong(10, more.firstAt().toEpochMilli());
        insert.setLong(11, more.lastAt().toEpochMilli());
        insert.executeUpdate();
      }
    }
  }

  private List<Usage> usage(String sql, String agentId) {
    List<Usage> found = new ArrayList<>();
    try (Connection connection = readers.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      if (agentId != null) {
        select.setString(1, agentId);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(
              new Usage(
                  rows.getString("agent_id"),
                  rows.getString("task_id"),
                  rows.getLong("tokens_in"),
                  rows.getLong("tokens_out"),
                  rows.getDouble("cost_usd"),
                  rows.getLong("tool_calls"),
                  rows.getLong("tool_errors"),
                  rows.getLong("steps"),
                  rows.getLong("plans"),
                  instant(rows, "first_at"),
                  instant(rows, "last_at")));
        }
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
    return found;
  }

  private static Instant instant(ResultSet rows, String column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
