package dev.governor.knowledge.store;

import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import dev.governor.knowledge.model.GraphStep;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.StepState;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.TaskGraph;
import dev.governor.knowledge.model.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Tasks and their phase transitions, step reports with their evidence and idempotency keys, and the
 * execution graph of a task, which is read from its plans, their decisions and their step reports.
 * Shares the knowledge store's writer: every check that decides between "already done", a conflict
 * and a new record runs inside the write, so concurrent retries cannot both record.
 */
public final class TaskStore {

  /** An opened task; {@code replay} when the same task was opened before under the same key. */
  public record Opened(Task task, long auditSeq, boolean replay) {}

  /** A task after a transition; {@code replay} when it was already in the phase asked for. */
  public record Advanced(Task task, long auditSeq, boolean replay) {}

  /**
   * A recorded step report, the resource it created and the lease it released, if any; {@code
   * alreadyDone} when this is the answer recorded earlier for the same report.
   */
  public record RecordedReport(
      StepReport report, Resource created, Lease released, long auditSeq, boolean alreadyDone) {}

  /** The report recorded under an idempotency key. */
  public record KeyedReport(String planId, String stepId, String contentHash, String answer) {}

  /** The latest report of a step. */
  public record PriorReport(StepState state, String contentHash, String answer) {}

  private final KnowledgeStore store;

  TaskStore(KnowledgeStore store) {
    this.store = store;
  }

  // ---- writes ----

  public CompletableFuture<Opened> open(Task task, String contentHash, String actor) {
    return store.submit(
        tx -> {
          if (task.idempotencyKey() != null) {
            Optional<Task> earlier =
                taskByKey(tx.connection(), task.agentId(), task.idempotencyKey());
            if (earlier.isPresent()) {
              if (!contentHash.equals(hashOf(tx.connection(), earlier.get().id()))) {
                throw new KnowledgeException(
                    KnowledgeException.Kind.CONFLICT,
                    "idempotency_conflict: the idempotency key \""
                        + task.idempotencyKey()
                        + "\" was used for a different task ("
                        + earlier.get().id()
                        + ")");
              }
              return new Opened(earlier.get(), 0, true);
            }
          }
          String body = Json.write(task);
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO tasks (id, agent_id, idempotency_key, content_hash,"
                          + " classification, phase, body, opened_at, updated_at)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, task.id());
            insert.setString(2, task.agentId());
            insert.setString(3, task.idempotencyKey());
            insert.setString(4, contentHash);
            insert.setString(5, task.classification());
            insert.setString(6, task.phase());
            insert.setString(7, body);
            insert.setLong(8, task.openedAt().toEpochMilli());
            insert.setLong(9, task.updatedAt().toEpochMilli());
            insert.executeUpdate();
          }
          long seq =
              tx.audit(task.openedAt(), "task.opened", actor, "task:" + task.id(), body).seq();
          return new Opened(task, seq, false);
        });
  }

  /**
   * Records a phase gate that refused to let a task move on: what was missing and what the
   * verifiers found in the evidence offered. The task stays where it is; the refusal is in the
   * audit log because a refused completion is as much Governor's decision as a passed one. Returns
   * the audit position.
   */
  public CompletableFuture<Long> refuseGate(
      String taskId,
      String from,
      String to,
      List<String> missing,
      List<Evidence> evidence,
      List<EvidenceCheck> checks,
      String actor,
      Instant at) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("from", from);
    payload.put("to", to);
    payload.put("missing", missing);
    payload.put("evidence", evidence);
    payload.put("checks", checks);
    String refusal = Json.write(payload);
    return store.submit(
        tx -> tx.audit(at, "task.gate_refused", actor, "task:" + taskId, refusal).seq());
  }

  /**
   * Moves a task from {@code from} to {@code to}, recording the evidence and what the verifiers
   * found. A task already in {@code to} is a replay; a task that moved elsewhere meanwhile is a
   * conflict.
   */
  public CompletableFuture<Advanced> advance(
      String taskId,
      String from,
      String to,
      List<Evidence> evidence,
      List<EvidenceCheck> checks,
      String actor,
      Instant at) {
    return store.submit(
        tx -> {
          Task task =
              findTask(tx.connection(), taskId)
                  .orElseThrow(
                      () ->
                          new KnowledgeException(
                              KnowledgeException.Kind.NOT_FOUND,
                              "unknown_task: no task " + taskId));
          if (task.phase().equals(to)) {
            return new Advanced(task, 0, true);
          }
          if (!task.phase().equals(from)) {
            throw new KnowledgeException(
                KnowledgeException.Kind.CONFLICT,
                "invalid_transition: task " + taskId + " moved to " + task.phase() + " meanwhile");
          }
          Task moved = task.inPhase(to, at);
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("from", from);
          payload.put("to", to);
          payload.put("evidence", evidence);
          payload.put("checks", checks);
          String transition = Json.write(payload);
          long seq = tx.audit(at, "task.advanced", actor, "task:" + taskId, transition).seq();
          try (PreparedStatement update =
              tx.connection()
                  .prepareStatement(
                      "UPDATE tasks SET phase = ?, body = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, to);
            update.setString(2, Json.write(moved));
            update.setLong(3, at.toEpochMilli());
            update.setString(4, taskId);
            update.executeUpdate();
          }
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO task_transitions (task_id, from_phase, to_phase, evidence, at,"
                          + " audit_seq) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, taskId);
            insert.setString(2, from);
            insert.setString(3, to);
            insert.setString(4, transition);
            insert.setLong(5, at.toEpochMilli());
            insert.setLong(6, seq);
            insert.executeUpdate();
          }
          return new Advanced(moved, seq, false);
        });
  }

  /**
   * Records a step report. Under a key already used, the same report gets the recorded answer and a
   * different one is a conflict. A step already completed or abandoned is not reported again: the
   * same report gets the recorded answer. A failed or incomplete step may be reported again (a new
   * attempt). Any lease the step holds is released.
   */
  public CompletableFuture<RecordedReport> recordStepReport(
      StepReport report, Resource created, String contentHash) {
    return store.submit(
        tx -> {
          Connection connection = tx.connection();
          String key = report.idempotencyKey();
          if (key != null) {
            Optional<KeyedReport> keyed = reportByKey(connection, report.agentId(), key);
            if (keyed.isPresent()) {
              return replay(keyed.get(), report, contentHash, key);
            }
          }
          Optional<PriorReport> prior = priorReport(connection, report.planId(), report.stepId());
          if (prior.isPresent()) {
            StepState state = prior.get().state();
            if (state == StepState.COMPLETED || state == StepState.ABANDONED) {
              if (!contentHash.equals(prior.get().contentHash())) {
                throw new KnowledgeException(
                    KnowledgeException.Kind.CONFLICT,
                    "already_reported: step "
                        + report.stepId()
                        + " of plan "
                        + report.planId()
                        + " is already "
                        + state
                        + " with a different report");
              }
              RecordedReport recorded = answer(prior.get().answer());
              if (key != null) {
                insertKey(connection, report, key, contentHash, prior.get().answer());
              }
              return recorded;
            }
          }
          String body = Json.write(report);
          long seq =
              tx.audit(
                      report.reportedAt(),
                      "step.reported",
                      "agent:" + report.agentId(),
                      "plan:" + report.planId() + "/step:" + report.stepId(),
                      body)
                  .seq();
          Lease released = releaseLease(connection, report);
          Resource learned = null;
          if (created != null
              && KnowledgeStore.findResource(connection, created.target()).isEmpty()) {
            insertResource(connection, created);
            tx.audit(
                created.createdAt(),
                "resource.created",
                "agent:" + created.createdBy(),
                "resource:" + created.target(),
                Json.write(created));
            learned = created;
          }
          RecordedReport recorded = new RecordedReport(report, learned, released, seq, false);
          String answer = Json.write(recorded);
          if (prior.isPresent()) {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE step_reports SET status = ?, body = ?, reported_at = ?, state = ?,"
                        + " content_hash = ?, answer = ? WHERE plan_id = ? AND step_id = ?")) {
              update.setString(1, report.status().name());
              update.setString(2, body);
              update.setLong(3, report.reportedAt().toEpochMilli());
              update.setString(4, report.state().name());
              update.setString(5, contentHash);
              update.setString(6, answer);
              update.setString(7, report.planId());
              update.setString(8, report.stepId());
              update.executeUpdate();
            }
          } else {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "INSERT INTO step_reports (plan_id, step_id, agent_id, status, body,"
                        + " reported_at, state, content_hash, answer)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              insert.setString(1, report.planId());
              insert.setString(2, report.stepId());
              insert.setString(3, report.agentId());
              insert.setString(4, report.status().name());
              insert.setString(5, body);
              insert.setLong(6, report.reportedAt().toEpochMilli());
              insert.setString(7, report.state().name());
              insert.setString(8, contentHash);
              insert.setString(9, answer);
              insert.executeUpdate();
            }
          }
          if (key != null) {
            insertKey(connection, report, key, contentHash, answer);
          }
          return recorded;
        });
  }

  private static RecordedReport replay(
      KeyedReport keyed, StepReport report, String contentHash, String key) {
    if (!keyed.planId().equals(report.planId())
        || !keyed.stepId().equals(report.stepId())
        || !keyed.contentHash().equals(contentHash)) {
      throw new KnowledgeException(
          KnowledgeException.Kind.CONFLICT,
          "idempotency_conflict: the idempotency key \""
              + key
              + "\" was used for a different report (step "
              + keyed.stepId()
              + " of plan "
              + keyed.planId()
              + ")");
    }
    return answer(keyed.answer());
  }

  /** The recorded answer, marked as a replay. */
  public static RecordedReport answer(String recorded) {
    RecordedReport first = Json.read(recorded, RecordedReport.class);
    return new RecordedReport(
        first.report(), first.created(), first.released(), first.auditSeq(), true);
  }

  private static Lease releaseLease(Connection connection, StepReport report) throws SQLException {
    Lease held = null;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT * FROM leases WHERE plan_id = ? AND step_id = ? AND released_at IS NULL"
                + " ORDER BY fencing_token DESC")) {
      select.setString(1, report.planId());
      select.setString(2, report.stepId());
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          held = LeaseStore.lease(rows);
        }
      }
    }
    if (held == null) {
      return null;
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE leases SET released_at = ? WHERE plan_id = ? AND step_id = ?"
                + " AND released_at IS NULL")) {
      update.setLong(1, report.reportedAt().toEpochMilli());
      update.setString(2, report.planId());
      update.setString(3, report.stepId());
      update.executeUpdate();
    }
    return new Lease(
        held.fencingToken(),
        held.resource(),
        held.agentId(),
        held.planId(),
        held.stepId(),
        held.acquiredAt(),
        held.expiresAt(),
        report.reportedAt());
  }

  private static void insertResource(Connection connection, Resource created) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO resources (target, kind, created_by, plan_id, step_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, created.target());
      insert.setString(2, created.kind());
      insert.setString(3, created.createdBy());
      insert.setString(4, created.planId());
      insert.setString(5, created.stepId());
      insert.setLong(6, created.createdAt().toEpochMilli());
      insert.executeUpdate();
    }
  }

  private static void insertKey(
      Connection connection, StepReport report, String key, String contentHash, String answer)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO step_report_keys (agent_id, idempotency_key, plan_id, step_id,"
                + " content_hash, answer) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, report.agentId());
      insert.setString(2, key);
      insert.setString(3, report.planId());
      insert.setString(4, report.stepId());
      insert.setString(5, contentHash);
      insert.setString(6, answer);
      insert.executeUpdate();
    }
  }

  // ---- reads (blocking) ----

  /** Every task not yet at the end of its path. */
  public List<Task> openTasks() {
    try (Connection connection = store.reader();
        PreparedStatement select = connection.prepareStatement("SELECT body FROM tasks");
        ResultSet rows = select.executeQuery()) {
      List<Task> open = new ArrayList<>();
      while (rows.next()) {
        Task task = Json.read(rows.getString(1), Task.class);
        if (!task.isDone()) {
          open.add(task);
        }
      }
      return open;
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** Who an agent is across environments: its name and owner. */
  public record Lineage(String name, String owner) {}

  /**
   * How many tasks each lineage finished in sandbox: opened by a sandbox agent of that name and
   * owner, and moved through every phase gate of its path.
   */
  public Map<Lineage, Integer> sandboxRecords() {
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT a.name, a.owner, t.body FROM tasks t JOIN agents a ON a.id = t.agent_id"
                    + " WHERE a.environment = 'sandbox'");
        ResultSet rows = select.executeQuery()) {
      Map<Lineage, Integer> records = new HashMap<>();
      while (rows.next()) {
        if (Json.read(rows.getString(3), Task.class).isDone()) {
          records.merge(new Lineage(rows.getString(1), rows.getString(2)), 1, Integer::sum);
        }
      }
      return records;
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** When a sandbox agent's task passed its last gate, for its lineage. */
  public record SandboxTaskDone(Lineage lineage, Instant at) {}

  /** Every finished task of a sandbox agent, oldest first: sandbox records as of any instant. */
  public List<SandboxTaskDone> sandboxTasksDone() {
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT a.name, a.owner, t.body, t.updated_at FROM tasks t"
                    + " JOIN agents a ON a.id = t.agent_id WHERE a.environment = 'sandbox'"
                    + " ORDER BY t.updated_at");
        ResultSet rows = select.executeQuery()) {
      List<SandboxTaskDone> done = new ArrayList<>();
      while (rows.next()) {
        // A finished task changes no more, so its last update is when it passed its last gate.
        if (Json.read(rows.getString(3), Task.class).isDone()) {
          done.add(
              new SandboxTaskDone(
                  new Lineage(rows.getString(1), rows.getString(2)),
                  Instant.ofEpochMilli(rows.getLong(4))));
        }
      }
      return done;
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  public Optional<Task> task(String id) {
    try (Connection connection = store.reader()) {
      return findTask(connection, id);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  public Optional<KeyedReport> reportByKey(String agentId, String key) {
    try (Connection connection = store.reader()) {
      return reportByKey(connection, agentId, key);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  public Optional<PriorReport> priorReport(String planId, String stepId) {
    try (Connection connection = store.reader()) {
      return priorReport(connection, planId, stepId);
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /**
   * The task's execution graph: every step of every plan sent in it, with its verdict and state,
   * and the steps still to run in an order that respects their dependencies. Completed steps are
   * not among those to run; denied and abandoned ones stay visible in {@code steps}.
   */
  public Optional<TaskGraph> graph(String taskId) {
    try (Connection connection = store.reader()) {
      Optional<Task> task = findTask(connection, taskId);
      if (task.isEmpty()) {
        return Optional.empty();
      }
      List<Plan> plans = new ArrayList<>();
      Map<String, Decision> decisions = new HashMap<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT p.body AS plan, d.body AS decision, d.audit_seq FROM plans p"
                  + " LEFT JOIN decisions d ON d.plan_id = p.id WHERE p.task_id = ?"
                  + " ORDER BY p.received_at, p.id")) {
        select.setString(1, taskId);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            Plan plan = Json.read(rows.getString("plan"), Plan.class);
            plans.add(plan);
            String decision = rows.getString("decision");
            if (decision != null) {
              decisions.put(plan.id(), Json.read(decision, Decision.class));
            }
          }
        }
      }
      Map<String, StepReport> reports = new HashMap<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT r.body FROM step_reports r JOIN plans p ON p.id = r.plan_id"
                  + " WHERE p.task_id = ?")) {
        select.setString(1, taskId);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            StepReport report = Json.read(rows.getString(1), StepReport.class);
            reports.put(report.planId() + "\n" + report.stepId(), report);
          }
        }
      }
      List<GraphStep> steps = new ArrayList<>();
      List<GraphStep> toRun = new ArrayList<>();
      for (Plan plan : plans) {
        List<GraphStep> ofPlan = stepsOf(plan, decisions.get(plan.id()), reports);
        steps.addAll(ofPlan);
        toRun.addAll(inDependencyOrder(ofPlan.stream().filter(s -> s.state().toRun()).toList()));
      }
      return Optional.of(new TaskGraph(taskId, task.get().phase(), steps, toRun));
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  private static List<GraphStep> stepsOf(
      Plan plan, Decision decision, Map<String, StepReport> reports) {
    Map<String, Verdict> verdicts = new HashMap<>();
    if (decision != null) {
      for (StepVerdict verdict : decision.steps()) {
        verdicts.put(verdict.id(), verdict.verdict());
      }
    }
    Map<String, StepState> states = new HashMap<>();
    for (Step step : plan.steps()) {
      StepReport report = reports.get(plan.id() + "\n" + step.id());
      Verdict verdict = verdicts.get(step.id());
      StepState state;
      if (report != null) {
        state = report.state();
      } else if (verdict == null) {
        state = StepState.REVIEWING;
      } else {
        state =
            switch (verdict) {
              case APPROVED -> StepState.PENDING;
              case ESCALATED -> StepState.WAITING;
              case DENIED -> StepState.DENIED;
            };
      }
      states.put(step.id(), state);
    }
    List<GraphStep> steps = new ArrayList<>(plan.steps().size());
    for (Step step : plan.steps()) {
      StepReport report = reports.get(plan.id() + "\n" + step.id());
      StepState state = states.get(step.id());
      boolean ready =
          state.toRun()
              && step.dependsOn().stream().allMatch(d -> states.get(d) == StepState.COMPLETED);
      steps.add(
          new GraphStep(
              plan.id(),
              step.id(),
              step.action(),
              step.target(),
              step.dependsOn(),
              verdicts.get(step.id()),
              state,
              report == null ? List.of() : report.checks(),
              ready,
              report == null ? null : report.reportedAt()));
    }
    return steps;
  }

  /** Dependencies first; otherwise the plan's own order. */
  private static List<GraphStep> inDependencyOrder(List<GraphStep> steps) {
    Map<String, GraphStep> byId = new LinkedHashMap<>();
    steps.forEach(s -> byId.put(s.stepId(), s));
    List<GraphStep> ordered = new ArrayList<>(steps.size());
    Set<String> placed = new HashSet<>();
    for (GraphStep step : steps) {
      place(step, byId, placed, ordered, new HashSet<>());
    }
    return ordered;
  }

  private static void place(
      GraphStep step,
      Map<String, GraphStep> byId,
      Set<String> placed,
      List<GraphStep> ordered,
      Set<String> visiting) {
    if (placed.contains(step.stepId()) || !visiting.add(step.stepId())) {
      return;
    }
    for (String dependency : step.dependsOn()) {
      GraphStep before = byId.get(dependency);
      if (before != null) {
        place(before, byId, placed, ordered, visiting);
      }
    }
    placed.add(step.stepId());
    ordered.add(step);
  }

  // ---- mapping ----

  static Optional<Task> findTask(Connection connection, String id) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT body FROM tasks WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(Json.read(rows.getString(1), Task.class))
            : Optional.empty();
      }
    }
  }

  private static Optional<Task> taskByKey(Connection connection, String agentId, String key)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT body FROM tasks WHERE agent_id = ? AND idempotency_key = ?")) {
      select.setString(1, agentId);
      select.setString(2, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(Json.read(rows.getString(1), Task.class))
            : Optional.empty();
      }
    }
  }

  private static String hashOf(Connection connection, String taskId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT content_hash FROM tasks WHERE id = ?")) {
      select.setString(1, taskId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  private static Optional<KeyedReport> reportByKey(
      Connection connection, String agentId, String key) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT plan_id, step_id, content_hash, answer FROM step_report_keys"
                + " WHERE agent_id = ? AND idempotency_key = ?")) {
      select.setString(1, agentId);
      select.setString(2, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new KeyedReport(
                    rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)))
            : Optional.empty();
      }
    }
  }

  private static Optional<PriorReport> priorReport(
      Connection connection, String planId, String stepId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT state, content_hash, answer FROM step_reports WHERE plan_id = ? AND step_id = ?")) {
      select.setString(1, planId);
      select.setString(2, stepId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(
                new PriorReport(
                    StepState.valueOf(rows.getString(1)), rows.getString(2), rows.getString(3)))
            : Optional.empty();
      }
    }
  }
}
