package dev.governor.knowledge.store;

import dev.governor.knowledge.model.AuditEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's only writer. Writes queue up in order; one thread applies as many as are waiting in
 * one transaction (each under its own savepoint, so one bad write fails alone) and commits once. A
 * write's future completes only after that commit, so an acknowledgement is never ahead of the
 * disk. One writer also means one audit chain head, with no locking around it.
 */
final class GroupCommitWriter implements AutoCloseable {

  /** A unit of work applied inside the writer's transaction. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Tx tx) throws SQLException;
  }

  /** What a unit of work sees: the connection and the audit chain. */
  final class Tx {
    Connection connection() {
      return connection;
    }

    /**
     * A statement for constant SQL, prepared on the writer's connection once and reused by every
     * later write: the hot writes of a review skip H2's parsing and planning. The caller sets all
     * its parameters each time and must not close it.
     */
    PreparedStatement prepared(String sql) throws SQLException {
      PreparedStatement statement = statements.get(sql);
      if (statement == null) {
        statement = connection.prepareStatement(sql);
        statements.put(sql, statement);
      }
      return statement;
    }

    AuditEntry audit(Instant at, String type, String actor, String subject, String payload)
        throws SQLException {
      if (insertAudit == null) {
        throw new IllegalStateException("this writer keeps no audit log");
      }
      AuditEntry entry = AuditChain.next(head, at, type, actor, subject, payload);
      insertAudit.setLong(1, entry.seq());
      insertAudit.setLong(2, entry.at().toEpochMilli());
      insertAudit.setString(3, entry.type());
      insertAudit.setString(4, entry.actor());
      insertAudit.setString(5, entry.subject());
      insertAudit.setString(6, entry.payload());
      insertAudit.setString(7, entry.prevHash());
      insertAudit.setString(8, entry.hash());
      insertAudit.executeUpdate();
      head = new AuditChain.Head(entry.seq(), entry.hash());
      return entry;
    }
  }

  private record Pending<T>(Work<T> work, CompletableFuture<T> result) {
    void run(Tx tx, Object[] results, int index) throws SQLException {
      results[index] = work.apply(tx);
    }

    @SuppressWarnings("unchecked")
    void complete(Object value) {
      result.complete((T) value);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_BATCH = 512;

  /**
   * What makes a committed transaction survive the process being killed, run after each commit and
   * before any future completes. A no-op for a database whose commit already does it.
   */
  @FunctionalInterface
  interface Durability {
    void afterCommit() throws SQLException;
  }

  private final Connection connection;
  private final Durability durability;
  private final PreparedStatement insertAudit;
  private final BlockingQueue<Pending<?>> queue;
  private final Thread thread;
  private final Tx tx = new Tx();
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private volatile boolean closing;
  private AuditChain.Head head;

  GroupCommitWriter(
      Connection connection, AuditChain.Head head, int queueCapacity, Durability durability)
      throws SQLException {
    this(connection, head, queueCapacity, "governor-knowledge-writer", durability);
  }

  /**
   * A writer on its own connection and thread; with a null {@code head} it keeps no audit log (a
   * second audit head would fork the chain), as the telemetry writer does.
   */
  GroupCommitWriter(
      Connection connection,
      AuditChain.Head head,
      int queueCapacity,
      String threadName,
      Durability durability)
      throws SQLException {
    this.connection = connection;
    this.durability = durability;
    this.head = head;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    connection.setAutoCommit(false);
    this.insertAudit =
        head == null
            ? null
            : connection.prepareStatement(
                "INSERT INTO audit_log (seq, at, type, actor, subject, payload, prev_hash, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  <T> CompletableFuture<T> submit(Work<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closing) {
      result.completeExceptionally(
          new KnowledgeException(KnowledgeException.Kind.UNAVAILABLE, "the store is closing"));
    } else if (!queue.offer(new Pending<>(work, result))) {
      result.completeExceptionally(
          new KnowledgeException(KnowledgeException.Kind.BUSY, "the store's write queue is full"));
    }
    return result;
  }

  int queued() {
    return queue.size();
  }

  boolean isRunning() {
    return thread.isAlive() && !closing;
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_BATCH);
    while (!closing || !queue.isEmpty()) {
      try {
        Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        apply(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        LOG.error("The knowledge writer failed a batch", e);
        fail(batch, e);
      } finally {
        batch.clear();
      }
    }
    fail(
        new ArrayList<>(queue),
        new KnowledgeException(KnowledgeException.Kind.UNAVAILABLE, "the store closed"));
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Closing the writer's connection failed", e);
    }
  }

  private long writes;
  private long commits;

  private void apply(List<Pending<?>> batch) {
    writes += batch.size();
    commits++;
    AuditChain.Head batchStart = head;
    Object[] results = new Object[batch.size()];
    Throwable[] failures = new Throwable[batch.size()];
    try {
      for (int i = 0; i < batch.size(); i++) {
        AuditChain.Head before = head;
        Savepoint savepoint = connection.setSavepoint();
        try {
          batch.get(i).run(tx, results, i);
        } catch (SQLException | RuntimeException e) {
          connection.rollback(savepoint);
          head = before;
          failures[i] = e;
        }
      }
      connection.commit();
    } catch (SQLException e) {
      LOG.error("The knowledge store could not commit {} writes", batch.size(), e);
      rollbackQuietly();
      head = batchStart;
      fail(batch, unavailable("the store could not commit: " + e.getMessage(), e));
      return;
    }
    try {
      durability.afterCommit();
    } catch (SQLException | RuntimeException e) {
      // Committed, so the chain head stays where the batch left it; but not known to be on disk,
      // so nothing in it is acknowledged.
      LOG.error(
          "The knowledge store committed {} writes but could not store them", batch.size(), e);
      fail(batch, unavailable("the store could not write its file: " + e.getMessage(), e));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (failures[i] == null) {
        batch.get(i).complete(results[i]);
      } else {
        batch.get(i).result().completeExceptionally(failures[i]);
      }
    }
  }

  private static KnowledgeException unavailable(String message, Throwable cause) {
    return new KnowledgeException(KnowledgeException.Kind.UNAVAILABLE, message, cause);
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.warn("Rollback failed", e);
    }
  }

  private static void fail(List<Pending<?>> batch, Throwable cause) {
    for (Pending<?> pending : batch) {
      pending.result().completeExceptionally(cause);
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    thread.join(TimeUnit.SECONDS.toMillis(10));
    LOG.info("The knowledge writer applied {} writes in {} commits", writes, commits);
  }
}
