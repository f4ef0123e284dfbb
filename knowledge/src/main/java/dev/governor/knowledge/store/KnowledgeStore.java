package dev.governor.knowledge.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.AuditEntry;
import dev.governor.knowledge.model.AuditVerification;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.EscalationDetail;
import dev.governor.knowledge.model.EscalationStatus;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.RuleSetVersion;
import dev.governor.knowledge.model.RuleTestCase;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * The knowledge all four stages share: agents, plans, decisions, escalations, rule sets, operators
 * and the audit log.
 *
 * <p>Writes go through one {@link GroupCommitWriter}: each returns a future that completes only
 * after its transaction is committed to the database file, and each appends its audit entries in
 * the same transaction. Reads are blocking JDBC calls on a small connection pool; callers on an
 * event loop must run them on a worker.
 *
 * <p>The embedded database is H2. The writer has H2 write its file after each commit, before
 * anything is acknowledged, so a commit survives the process being killed (see {@link
 * #durability}). It does not fsync each commit: an operating-system crash can still lose the last
 * commits.
 */
public final class KnowledgeStore implements AutoCloseable {

  /** A registered agent and the audit position of its registration. */
  public record Registration(Agent agent, long auditSeq) {}

  /** A settled escalation and the decision it changed. */
  public record Resolution(Escalation escalation, Decision decision) {}

  /** Which escalations to list. */
  public enum EscalationFilter {
    PENDING,
    RESOLVED,
    ALL
  }

  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<RuleTestCase>> TESTS = new TypeReference<>() {};
  private static final TypeReference<Map<String, EffectClass>> TOOLS = new TypeReference<>() {};
  private static final int READ_POOL_SIZE = 8;
  private static final int WRITE_QUEUE_CAPACITY = 20_000;

  private final ReadPool readers;
  private final GroupCommitWriter writer;
  private final Map<String, Agent> agentsByTokenHash = new ConcurrentHashMap<>();
  private final Map<String, Agent> agentsById = new ConcurrentHashMap<>();
  private final OperatorStore operators = new OperatorStore(this);
  private final SessionStore sessions = new SessionStore(this);

  private final TelemetryStore telemetry;
  private final CircuitStore circuits;
  private final TimelineStore timeline = new TimelineStore(this);

  private KnowledgeStore(ReadPool readers, GroupCommitWriter writer, TelemetryStore telemetry) {
    this.readers = readers;
    this.writer = writer;
    this.telemetry = telemetry;
    this.circuits = new CircuitStore(this);
  }

  /** Telemetry, heartbeats and running figures, on their own writer. */
  public TelemetryStore telemetry() {
    return telemetry;
  }

  /** Circuits, agent commands and alerts. */
  public CircuitStore circuits() {
    return circuits;
  }

  /** Opens (creating or migrating as needed) the H2 database {@code governor} in a folder. */
  public static KnowledgeStore openH2(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new KnowledgeException(
          KnowledgeException.Kind.UNAVAILABLE, "cannot create data folder " + dataDir, e);
    }
    String options = ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("governor") + options;
    // Telemetry in a file of its own: an H2 commit writes every changed page of its database, and
    // the review writer must not be the one writing out telemetry.
    String telemetryUrl =
        "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("governor-telemetry") + options;
    return open(url, "governor", "", telemetryUrl);
  }

  /** Opens the store at a JDBC URL, bringing its schema up to date first. */
  public static KnowledgeStore open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, jdbcUrl);
  }

  /**
   * Opens the store, with telemetry at {@code telemetryUrl} (which may be the same database); its
   * schema has its own migrations and history table.
   */
  private static KnowledgeStore open(
      String jdbcUrl, String user, String password, String telemetryUrl) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .javaMigrations(new V12__Indexes_a_review_does_not_need())
        .load()
        .migrate();
    Flyway.configure()
        .dataSource(telemetryUrl, user, password)
        .locations("classpath:db/telemetry")
        .table("flyway_telemetry_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    ReadPool readers = ReadPool.create(jdbcUrl, user, password, READ_POOL_SIZE);
    TelemetryStore telemetry = null;
    try {
      telemetry = TelemetryStore.open(telemetryUrl, user, password);
      Connection writeConnection = DriverManager.getConnection(jdbcUrl, user, password);
      AuditChain.Head head = readHead(writeConnection);
      return new KnowledgeStore(
          readers,
          new GroupCommitWriter(
              writeConnection, head, WRITE_QUEUE_CAPACITY, durability(writeConnection)),
          telemetry);
    } catch (SQLException e) {
      readers.dispose();
      if (telemetry != null) {
        try {
          telemetry.close();
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw new KnowledgeException(
          KnowledgeException.Kind.UNAVAILABLE, "cannot open the store: " + e.getMessage(), e);
    }
  }

  // ---- writes ----

  public CompletableFuture<Registration> registerAgent(
      Agent agent, String tokenHash, String actor) {
    return writer
        .submit(
            tx -> {
              try (PreparedStatement insert =
                  tx.connection()
                      .prepareStatement(
                          "INSERT INTO agents (id, name, owner, environment, grants, budgets,"
                              + " labels, token_hash, registered_at, tools)"
                              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, agent.id());
                insert.setString(2, agent.name());
                insert.setString(3, agent.owner());
                insert.setString(4, agent.environment().wireName());
                insert.setString(5, Json.write(agent.grants()));
                insert.setString(6, Json.write(agent.budgets()));
                insert.setString(7, Json.write(agent.labels()));
                insert.setString(8, tokenHash);
                insert.setLong(9, agent.registeredAt().toEpochMilli());
                insert.setString(10, Json.write(agent.tools()));
                insert.executeUpdate();
              }
              AuditEntry entry =
                  tx.audit(
                      agent.registeredAt(),
                      "agent.registered",
                      actor,
                      "agent:" + agent.id(),
                      Json.write(agent));
              return new Registration(agent, entry.seq());
            })
        .thenApply(
            registration -> {
              agentsByTokenHash.put(tokenHash, agent);
              agentsById.put(agent.id(), agent);
              return registration;
            });
  }

  /** Records a plan as received; returns the audit position of its receipt. */
  public CompletableFuture<Long> recordPlan(Plan plan) {
    return recordPlan(plan, null);
  }

  /** Records a plan as received, with the hash of its content for idempotent retries. */
  public CompletableFuture<Long> recordPlan(Plan plan, String contentHash) {
    return writer.submit(
        tx -> {
          PreparedStatement insert =
              tx.prepared(
                  "INSERT INTO plans (id, agent_id, idempotency_key, task_id, body,"
                      + " received_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
          insert.setString(1, plan.id());
          insert.setString(2, plan.agentId());
          insert.setString(3, plan.idempotencyKey());
          insert.setString(4, plan.taskId());
          String body = Json.write(plan);
          insert.setString(5, body);
          insert.setLong(6, plan.receivedAt().toEpochMilli());
          insert.setString(7, contentHash);
          insert.executeUpdate();
          return tx.audit(
                  plan.receivedAt(),
                  "plan.received",
                  "agent:" + plan.agentId(),
                  "plan:" + plan.id(),
                  body)
              .seq();
        });
  }

  /**
   * Records a decision made by rules, and the escalation it opens if any; returns the decision with
   * its audit position.
   */
  public CompletableFuture<Decision> recordDecision(Decision decision, Escalation escalation) {
    return writer.submit(tx -> writeDecision(tx, decision, escalation));
  }

  /** The decision's rows and audit entries, inside a write of this package. */
  Decision writeDecision(GroupCommitWriter.Tx tx, Decision decision, Escalation escalation)
      throws SQLException {
    String body = Json.write(decision);
    AuditEntry entry =
        tx.audit(
            decision.decidedAt(),
            "decision.made",
            decision.decidedBy(),
            "plan:" + decision.planId(),
            body);
    Decision recorded = decision.withAuditSeq(entry.seq());
    // The stored body is the audited one; its position is the audit_seq column.
    insertDecision(tx, recorded, body);
    if (escalation != null) {
      insertEscalation(tx.connection(), escalation);
      tx.audit(
          escalation.createdAt(),
          "escalation.opened",
          decision.decidedBy(),
          "escalation:" + escalation.id(),
          Json.write(escalation));
    }
    return recorded;
  }

  /** Settles a pending escalation by an operator's answer. */
  public CompletableFuture<Resolution> resolveEscalation(
      String escalationId, Verdict outcome, String operator, String reason, Instant at) {
    if (outcome == Verdict.ESCALATED) {
      throw new IllegalArgumentException("an escalation resolves to APPROVED or DENIED");
    }
    return writer.submit(tx -> resolveEscalation(tx, escalationId, outcome, operator, reason, at));
  }

  /** Settles a pending escalation inside a write of this package. */
  Resolution resolveEscalation(
      GroupCommitWriter.Tx tx,
      String escalationId,
      Verdict outcome,
      String operator,
      String reason,
      Instant at)
      throws SQLException {
    EscalationStatus status =
        outcome == Verdict.APPROVED ? EscalationStatus.APPROVED : EscalationStatus.DENIED;
    Escalation escalation =
        findEscalation(tx.connection(), escalationId)
            .orElseThrow(
                () ->
                    new KnowledgeException(
                        KnowledgeException.Kind.NOT_FOUND, "no escalation " + escalationId));
    if (!escalation.status().isOpen()) {
      throw new KnowledgeException(
          KnowledgeException.Kind.CONFLICT,
          "escalation " + escalationId + " is already " + escalation.status());
    }
    return settle(tx, escalation, status, "operator:" + operator, reason, at);
  }

  /** Denies every pending escalation whose deadline has passed (fail closed). */
  public CompletableFuture<List<Resolution>> expireEscalations(Instant now) {
    return writer.submit(
        tx -> {
          List<Escalation> due = new ArrayList<>();
          try (PreparedStatement select =
              tx.connection()
                  .prepareStatement(
                      "SELECT * FROM escalations WHERE status = 'PENDING' AND deadline <= ?"
                          + " ORDER BY deadline")) {
            select.setLong(1, now.toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                due.add(escalation(rows));
              }
            }
          }
          List<Resolution> resolutions = new ArrayList<>();
          for (Escalation escalation : due) {
            // Denied, so the leases its steps asked for will never be given.
            LeaseStore.forgetRequests(tx.connection(), escalation.planId());
            resolutions.add(
                settle(
                    tx,
                    escalation,
                    EscalationStatus.EXPIRED,
                    Decision.BY_GOVERNOR,
                    "nobody answered the escalation before its deadline",
                    now));
          }
          return resolutions;
        });
  }

  /** Stores a rule-set version, optionally making it the active one. */
  public CompletableFuture<RuleSetVersion> createRuleSet(
      Map<String, String> files,
      List<RuleTestCase> tests,
      String comment,
      boolean activate,
      String actor,
      Instant at) {
    return writer.submit(
        tx -> {
          int version;
          try (Statement statement = tx.connection().createStatement();
              ResultSet rows =
                  statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM rule_sets")) {
            rows.next();
            version = rows.getInt(1) + 1;
          }
          if (activate) {
            try (Statement statement = tx.connection().createStatement()) {
              statement.executeUpdate("UPDATE rule_sets SET active = FALSE WHERE active");
            }
          }
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO rule_sets (version, files, tests, comment, created_at, active)"
                          + " VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setInt(1, version);
            insert.setString(2, Json.write(new java.util.TreeMap<>(files)));
            insert.setString(3, Json.write(tests));
            insert.setString(4, comment);
            insert.setLong(5, at.toEpochMilli());
            insert.setBoolean(6, activate);
            insert.executeUpdate();
          }
          RuleSetVersion created = new RuleSetVersion(version, files, tests, comment, at, activate);
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("version", version);
          payload.put("comment", comment);
          payload.put("files", new java.util.TreeMap<>(files));
          payload.put("tests", tests);
          tx.audit(at, "ruleset.created", actor, "ruleset:" + version, Json.write(payload));
          if (activate) {
            tx.audit(
                at,
                "ruleset.activated",
                actor,
                "ruleset:" + version,
                Json.write(Map.of("version", version)));
          }
          return created;
        });
  }

  /** Makes an existing rule-set version the active one. */
  public CompletableFuture<RuleSetVersion> activateRuleSet(
      int version, String actor, List<RuleTestResult> forcedPastFailures, Instant at) {
    return writer.submit(
        tx -> {
          RuleSetVersion found =
              findRuleSet(tx.connection(), version)
                  .orElseThrow(
                      () ->
                          new KnowledgeException(
                              KnowledgeException.Kind.NOT_FOUND, "no rule-set version " + version));
          try (Statement statement = tx.connection().createStatement()) {
            statement.executeUpdate("UPDATE rule_sets SET active = FALSE WHERE active");
            statement.executeUpdate(
                "UPDATE rule_sets SET active = TRUE WHERE version = " + version);
          }
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("version", version);
          if (!forcedPastFailures.isEmpty()) {
            payload.put("forced", true);
            payload.put("failedTests", forcedPastFailures);
          }
          tx.audit(at, "ruleset.activated", actor, "ruleset:" + version, Json.write(payload));
          return new RuleSetVersion(
              version, found.files(), found.tests(), found.comment(), found.createdAt(), true);
        });
  }

  /** Records a rule set that was refused, so the attempt is in the audit log. */
  public CompletableFuture<Long> recordRejectedRuleSet(
      Map<String, String> files, Object errors, String actor, Instant at) {
    return writer.submit(
        tx -> {
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("files", new java.util.TreeMap<>(files));
          payload.put("errors", errors);
          return tx.audit(at, "ruleset.rejected", actor, "ruleset:rejected", Json.write(payload))
              .seq();
        });
  }

  /** Sets (or replaces) an operator's override of one action's effect class. */
  public CompletableFuture<Long> setActionEffect(
      String action, EffectClass effect, String actor, Instant at) {
    return writer.submit(
        tx -> {
          // Update, else insert: portable SQL, and safe because this writer is the only one.
          int updated;
          try (PreparedStatement update =
              tx.connection()
                  .prepareStatement(
                      "UPDATE action_effects SET effect = ?, set_by = ?, set_at = ? WHERE action = ?")) {
            update.setString(1, effect.wireName());
            update.setString(2, actor);
            update.setLong(3, at.toEpochMilli());
            update.setString(4, action);
            updated = update.executeUpdate();
          }
          if (updated == 0) {
            try (PreparedStatement insert =
                tx.connection()
                    .prepareStatement(
                        "INSERT INTO action_effects (action, effect, set_by, set_at) VALUES (?, ?, ?, ?)")) {
              insert.setString(1, action);
              insert.setString(2, effect.wireName());
              insert.setString(3, actor);
              insert.setLong(4, at.toEpochMilli());
              insert.executeUpdate();
            }
          }
          return tx.audit(
                  at,
                  "action.effect.set",
                  actor,
                  "action:" + action,
                  Json.write(Map.of("action", action, "effect", effect)))
              .seq();
        });
  }

  /** Creates an operator with a token, unless one of that name exists; true if created. */
  public CompletableFuture<Boolean> ensureOperator(
      String name, Set<Role> roles, String tokenHash, Instant at) {
    return writer.submit(
        tx -> {
          try (PreparedStatement select =
              tx.connection().prepareStatement("SELECT 1 FROM operators WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
              if (rows.next()) {
                return false;
              }
            }
          }
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO operators (name, roles, token_hash, created_at)"
                          + " VALUES (?, ?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(
                2, roles.stream().map(Role::name).sorted().collect(Collectors.joining(",")));
            insert.setString(3, tokenHash);
            insert.setLong(4, at.toEpochMilli());
            insert.executeUpdate();
          }
          tx.audit(
              at,
              "operator.created",
              Decision.BY_GOVERNOR,
              "operator:" + name,
              Json.write(Map.of("name", name, "roles", roles)));
          return true;
        });
  }

  private Resolution settle(
      GroupCommitWriter.Tx tx,
      Escalation escalation,
      EscalationStatus status,
      String by,
      String reason,
      Instant at)
      throws SQLException {
    Escalation settled = escalation.resolved(status, by, reason, at);
    Decision decision =
        findDecision(tx.connection(), escalation.planId())
            .orElseThrow(
                () ->
                    new KnowledgeException(
                        KnowledgeException.Kind.NOT_FOUND,
                        "no decision for plan " + escalation.planId()));
    Verdict outcome = status == EscalationStatus.APPROVED ? Verdict.APPROVED : Verdict.DENIED;
    AuditEntry entry =
        tx.audit(
            at,
            status == EscalationStatus.EXPIRED ? "escalation.expired" : "escalation.resolved",
            by,
            "escalation:" + escalation.id(),
            Json.write(settled));
    Decision updated = decision.settled(outcome, by, reason, at).withAuditSeq(entry.seq());
    try (PreparedStatement update =
        tx.connection()
            .prepareStatement(
                "UPDATE escalations SET status = ?, resolved_at = ?, resolved_by = ?, reason = ?"
                    + " WHERE id = ?")) {
      update.setString(1, status.name());
      update.setLong(2, at.toEpochMilli());
      update.setString(3, by);
      update.setString(4, reason);
      update.setString(5, escalation.id());
      update.executeUpdate();
    }
    try (PreparedStatement update =
        tx.connection()
            .prepareStatement(
                "UPDATE decisions SET verdict = ?, body = ?, decided_by = ?, audit_seq = ?,"
                    + " decided_at = ? WHERE plan_id = ?")) {
      update.setString(1, updated.verdict().name());
      update.setString(2, Json.write(updated));
      update.setString(3, updated.decidedBy());
      update.setLong(4, updated.auditSeq());
      update.setLong(5, at.toEpochMilli());
      update.setString(6, updated.planId());
      update.executeUpdate();
    }
    return new Resolution(settled, updated);
  }

  private static void insertDecision(GroupCommitWriter.Tx tx, Decision decision, String body)
      throws SQLException {
    PreparedStatement insert =
        tx.prepared(
            "INSERT INTO decisions (plan_id, agent_id, verdict, body, rule_set_version,"
                + " decided_by, audit_seq, decided_at, rules_verdict)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.setString(1, decision.planId());
    insert.setString(2, decision.agentId());
    insert.setString(3, decision.verdict().name());
    insert.setString(4, body);
    insert.setInt(5, decision.ruleSetVersion());
    insert.setString(6, decision.decidedBy());
    insert.setLong(7, decision.auditSeq());
    insert.setLong(8, decision.decidedAt().toEpochMilli());
    insert.setString(9, decision.verdict().name());
    insert.executeUpdate();
  }

  private static void insertEscalation(Connection connection, Escalation escalation)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO escalations (id, plan_id, agent_id, status, severity, created_at,"
                + " deadline) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, escalation.id());
      insert.setString(2, escalation.planId());
      insert.setString(3, escalation.agentId());
      insert.setString(4, escalation.status().name());
      insert.setString(5, escalation.severity().name());
      insert.setLong(6, escalation.createdAt().toEpochMilli());
      insert.setLong(7, escalation.deadline().toEpochMilli());
      insert.executeUpdate();
    }
  }

  // ---- reads (blocking) ----

  public Optional<Agent> agent(String id) {
    Agent cached = agentsById.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    return queryOne("SELECT * FROM agents WHERE id = ?", KnowledgeStore::agent, id)
        .map(this::remember);
  }

  /** Every registered agent, by name, then by id for agents of one name. */
  public List<Agent> agents() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM agents ORDER BY name, id")) {
      List<Agent> agents = new ArrayList<>();
      while (rows.next()) {
        agents.add(agent(rows));
      }
      return agents;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** The agent with this token if it is in memory; never touches the database. */
  public Optional<Agent> cachedAgentByTokenHash(String tokenHash) {
    return Optional.ofNullable(agentsByTokenHash.get(tokenHash));
  }

  public Optional<Agent> agentByTokenHash(String tokenHash) {
    Agent cached = agentsByTokenHash.get(tokenHash);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<Agent> found =
        queryOne("SELECT * FROM agents WHERE token_hash = ?", KnowledgeStore::agent, tokenHash);
    found.ifPresent(
        agent -> {
          agentsByTokenHash.put(tokenHash, agent);
          agentsById.put(agent.id(), agent);
        });
    return found;
  }

  public Optional<Operator> operatorByTokenHash(String tokenHash) {
    return queryOne(
        "SELECT * FROM operators WHERE token_hash = ? AND disabled = FALSE",
        rows ->
            new Operator(
                rows.getString("name"),
                Arrays.stream(rows.getString("roles").split(","))
                    .map(Role::valueOf)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)))),
        tokenHash);
  }

  /** The plan an agent sent under an idempotency key, and its content hash. */
  public record KeyedPlan(String planId, String contentHash) {}

  public Optional<KeyedPlan> planByIdempotencyKey(String agentId, String idempotencyKey) {
    return queryOne(
        "SELECT id, content_hash FROM plans WHERE agent_id = ? AND idempotency_key = ?",
        rows -> new KeyedPlan(rows.getString(1), rows.getString(2)),
        agentId,
        idempotencyKey);
  }

  public Optional<Plan> plan(String id) {
    return queryOne(
        "SELECT body FROM plans WHERE id = ?",
        rows -> Json.read(rows.getString(1), Plan.class),
        id);
  }

  public Optional<Decision> decision(String planId) {
    return queryOne(
        "SELECT body, audit_seq FROM decisions WHERE plan_id = ?",
        KnowledgeStore::decision,
        planId);
  }

  public Optional<EscalationDetail> escalation(String id) {
    try (Connection connection = readers.getConnection()) {
      return findEscalation(connection, id).map(e -> detail(connection, e));
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Escalations, pending ones first, each group by soonest deadline. */
  public List<EscalationDetail> escalations(EscalationFilter filter, int limit) {
    return escalations(filter, null, limit);
  }

  /**
   * Escalations, pending ones first, each group by soonest deadline; with a {@code text}, only
   * those whose agent name, plan (goal, actions, targets, intents), reason or resolver contains it,
   * ignoring case.
   */
  public List<EscalationDetail> escalations(EscalationFilter filter, String text, int limit) {
    List<String> conditions = new ArrayList<>();
    switch (filter) {
      case PENDING -> conditions.add("e.status = 'PENDING'");
      case RESOLVED -> conditions.add("e.status <> 'PENDING'");
      case ALL -> {}
    }
    boolean searching = text != null && !text.isBlank();
    if (searching) {
      conditions.add(
          "(LOWER(a.name) LIKE ? ESCAPE '\\' OR LOWER(p.body) LIKE ? ESCAPE '\\'"
              + " OR LOWER(COALESCE(e.reason, '')) LIKE ? ESCAPE '\\'"
              + " OR LOWER(COALESCE(e.resolved_by, '')) LIKE ? ESCAPE '\\')");
    }
    String sql =
        "SELECT e.* FROM escalations e"
            + (searching
                ? " JOIN agents a ON a.id = e.agent_id JOIN plans p ON p.id = e.plan_id"
                : "")
            + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
            + " ORDER BY CASE WHEN e.status = 'PENDING' THEN 0 ELSE 1 END,"
            + " CASE WHEN e.status = 'PENDING' THEN e.deadline ELSE -e.resolved_at END, e.id"
            + " LIMIT ?";
    try (Connection connection = readers.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      int parameter = 1;
      if (searching) {
        String pattern = "%" + likeEscaped(text.strip().toLowerCase(Locale.ROOT)) + "%";
        for (int i = 0; i < 4; i++) {
          select.setString(parameter++, pattern);
        }
      }
      select.setInt(parameter, limit);
      List<Escalation> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(escalation(rows));
        }
      }
      List<EscalationDetail> details = new ArrayList<>(found.size());
      for (Escalation escalation : found) {
        details.add(detail(connection, escalation));
      }
      return details;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static String likeEscaped(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  public List<AuditEntry> audit(long afterSeq, int limit) {
    return audit(new AuditQuery(null, null, null, afterSeq, null, false, limit)).entries();
  }

  /**
   * Which audit entries to read: those of a type, actor and subject (each exact, null for any),
   * strictly between {@code after} and {@code before} (null for no bound), oldest or newest first.
   */
  public record AuditQuery(
      String type,
      String actor,
      String subject,
      Long after,
      Long before,
      boolean newestFirst,
      int limit) {}

  /** A page of audit entries, and whether more lie beyond it in the same direction. */
  public record AuditPage(List<AuditEntry> entries, boolean more) {}

  public AuditPage audit(AuditQuery query) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE seq > ? AND seq < ?");
    List<String> values = new ArrayList<>();
    for (String[] filter :
        new String[][] {
          {"type", query.type()}, {"actor", query.actor()}, {"subject", query.subject()}
        }) {
      if (filter[1] != null) {
        sql.append(" AND ").append(filter[0]).append(" = ?");
        values.add(filter[1]);
      }
    }
    sql.append(query.newestFirst() ? " ORDER BY seq DESC" : " ORDER BY seq").append(" LIMIT ?");
    try (Connection connection = readers.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      select.setLong(1, query.after() == null ? 0 : query.after());
      select.setLong(2, query.before() == null ? Long.MAX_VALUE : query.before());
      int index = 3;
      for (String value : values) {
        select.setString(index++, value);
      }
      // One more than asked tells whether the page is the last one.
      select.setInt(index, query.limit() + 1);
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          entries.add(auditEntry(rows));
        }
      }
      boolean more = entries.size() > query.limit();
      return new AuditPage(more ? entries.subList(0, query.limit()) : entries, more);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** A recorded review: the plan, its agent, the decision, and the verdict the rules gave. */
  public record ReviewRecord(Plan plan, Agent agent, Decision decision, Verdict rulesVerdict) {}

  /** The last {@code limit} recorded reviews, newest first. */
  public List<ReviewRecord> recentReviews(int limit) {
    String sql =
        "SELECT p.body AS plan, d.body AS decision, d.audit_seq, d.rules_verdict FROM decisions d"
            + " JOIN plans p ON p.id = d.plan_id ORDER BY p.received_at DESC, p.id LIMIT ?";
    try (Connection connection = readers.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setInt(1, limit);
      List<ReviewRecord> reviews = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Plan plan = Json.read(rows.getString("plan"), Plan.class);
          Agent agent = agent(plan.agentId()).orElse(null);
          if (agent != null) {
            reviews.add(
                new ReviewRecord(
                    plan,
                    agent,
                    Json.read(rows.getString("decision"), Decision.class)
                        .withAuditSeq(rows.getLong("audit_seq")),
                    Verdict.valueOf(rows.getString("rules_verdict"))));
          }
        }
      }
      return reviews;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Walks the whole audit chain and names the first entry that does not fit. */
  public AuditVerification verifyAudit() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement()) {
      select.setFetchSize(1000);
      AuditChain.Head before = AuditChain.Head.EMPTY;
      long count = 0;
      try (ResultSet rows = select.executeQuery("SELECT * FROM audit_log ORDER BY seq")) {
        while (rows.next()) {
          AuditEntry entry = auditEntry(rows);
          String problem = AuditChain.problem(before, entry);
          if (problem != null) {
            return new AuditVerification(false, count, entry.seq(), problem);
          }
          before = new AuditChain.Head(entry.seq(), entry.hash());
          count++;
        }
      }
      return new AuditVerification(true, count, null, null);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public Optional<RuleSetVersion> activeRuleSet() {
    return queryOne("SELECT * FROM rule_sets WHERE active", KnowledgeStore::ruleSet);
  }

  /** Every resource an agent created, by target. */
  public Map<String, Resource> resources() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM resources")) {
      Map<String, Resource> found = new java.util.HashMap<>();
      while (rows.next()) {
        Resource resource = resource(rows);
        found.put(resource.target(), resource);
      }
      return found;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public Optional<Resource> resource(String target) {
    try (Connection connection = readers.getConnection()) {
      return findResource(connection, target);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Operators' overrides of actions' effect classes. */
  public Map<String, EffectClass> actionEffects() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT action, effect FROM action_effects")) {
      Map<String, EffectClass> effects = new java.util.TreeMap<>();
      while (rows.next()) {
        effects.put(rows.getString(1), EffectClass.fromWire(rows.getString(2)));
      }
      return effects;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public Optional<RuleSetVersion> ruleSet(int version) {
    try (Connection connection = readers.getConnection()) {
      return findRuleSet(connection, version);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Who created each rule-set version, by version: the audit log is where that is kept. */
  public Map<Integer, String> ruleSetAuthors() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery(
                "SELECT subject, actor FROM audit_log WHERE type = 'ruleset.created'")) {
      Map<Integer, String> authors = new HashMap<>();
      while (rows.next()) {
        String subject = rows.getString("subject");
        authors.put(
            Integer.parseInt(subject.substring(subject.indexOf(':') + 1)), rows.getString("actor"));
      }
      return authors;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public List<RuleSetVersion> ruleSets() {
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM rule_sets ORDER BY version DESC")) {
      List<RuleSetVersion> versions = new ArrayList<>();
      while (rows.next()) {
        versions.add(ruleSet(rows));
      }
      return versions;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** Operators: accounts, passwords and API tokens. */
  public OperatorStore operators() {
    return operators;
  }

  /** Console sign-ins. */
  public SessionStore sessions() {
    return sessions;
  }

  /** Replaces an agent's budgets, as an operator decided; returns the updated agent. */
  public CompletableFuture<Agent> updateBudgets(
      String agentId, Budgets budgets, String actor, Instant at) {
    return writer
        .submit(
            tx -> {
              Agent agent =
                  findAgent(tx.connection(), agentId)
                      .orElseThrow(
                          () ->
                              new KnowledgeException(
                                  KnowledgeException.Kind.NOT_FOUND, "no agent " + agentId));
              try (PreparedStatement update =
                  tx.connection().prepareStatement("UPDATE agents SET budgets = ? WHERE id = ?")) {
                update.setString(1, Json.write(budgets));
                update.setString(2, agentId);
                update.executeUpdate();
              }
              Map<String, Object> payload = new LinkedHashMap<>();
              payload.put("before", agent.budgets());
              payload.put("after", budgets);
              tx.audit(at, "agent.budgets_changed", actor, "agent:" + agentId, Json.write(payload));
              return new Agent(
                  agent.id(),
                  agent.name(),
                  agent.owner(),
                  agent.environment(),
                  agent.grants(),
                  budgets,
                  agent.labels(),
                  agent.registeredAt(),
                  agent.tools());
            })
        .thenApply(
            updated -> {
              agentsById.put(agentId, updated);
              agentsByTokenHash.replaceAll(
                  (hash, cached) -> cached.id().equals(agentId) ? updated : cached);
              return updated;
            });
  }

  // ---- for the other stores of this package, which share the writer and the readers ----

  private final TaskStore tasks = new TaskStore(this);
  private final LeaseStore leases = new LeaseStore(this);

  /** Tasks, their phase gates, step reports with evidence, and execution graphs. */
  public TaskStore tasks() {
    return tasks;
  }

  /** Leases on resources, with fencing tokens. */
  public LeaseStore leases() {
    return leases;
  }

  /** The traces of agents and tasks, read from the audit log. */
  public TimelineStore timeline() {
    return timeline;
  }

  /** Queues a write on the one writer; see {@link GroupCommitWriter}. */
  <T> CompletableFuture<T> submit(GroupCommitWriter.Work<T> work) {
    return writer.submit(work);
  }

  /** A pooled read connection; the caller closes it. */
  Connection reader() throws SQLException {
    return readers.getConnection();
  }

  /** Writes waiting for the writer: how far behind the store is. */
  public int queuedWrites() {
    return writer.queued();
  }

  /** How many escalations wait for a person. */
  public long pendingEscalations() {
    return queryOne(
            "SELECT COUNT(*) FROM escalations WHERE status = 'PENDING'", rows -> rows.getLong(1))
        .orElse(0L);
  }

  /** True when the writers run and the database answers a query. */
  public boolean healthy() {
    if (!writer.isRunning() || !telemetry.isRunning()) {
      return false;
    }
    try (Connection connection = readers.getConnection();
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM audit_log")) {
      return rows.next();
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      writer.close();
      telemetry.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    readers.dispose();
  }

  // ---- mapping ----

  @FunctionalInterface
  private interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }

  private <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
    try (Connection connection = readers.getConnection();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        select.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private Agent remember(Agent agent) {
    agentsById.put(agent.id(), agent);
    return agent;
  }

  private EscalationDetail detail(Connection connection, Escalation escalation) {
    try {
      Agent agent = agent(escalation.agentId()).orElse(null);
      Plan plan = null;
      try (PreparedStatement select =
          connection.prepareStatement("SELECT body FROM plans WHERE id = ?")) {
        select.setString(1, escalation.planId());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            plan = Json.read(rows.getString(1), Plan.class);
          }
        }
      }
      return new EscalationDetail(
          escalation,
          agent,
          plan,
          findDecision(connection, escalation.planId()).orElse(null),
          recentDecisions(connection, escalation.agentId(), escalation.planId()),
          plan == null ? List.of() : createdByAgents(connection, plan));
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static final int HISTORY_SHOWN = 5;

  /** The agent's latest decisions on plans other than {@code exceptPlanId}, newest first. */
  private static List<EscalationDetail.RecentDecision> recentDecisions(
      Connection connection, String agentId, String exceptPlanId) throws SQLException {
    String sql =
        "SELECT p.id, p.body AS plan, d.body AS decision FROM plans p"
            + " JOIN decisions d ON d.plan_id = p.id"
            + " WHERE p.agent_id = ? AND p.id <> ? ORDER BY p.received_at DESC, p.id DESC LIMIT ?";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, agentId);
      select.setString(2, exceptPlanId);
      select.setInt(3, HISTORY_SHOWN);
      List<EscalationDetail.RecentDecision> history = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Plan plan = Json.read(rows.getString("plan"), Plan.class);
          Decision decision = Json.read(rows.getString("decision"), Decision.class);
          history.add(
              new EscalationDetail.RecentDecision(
                  rows.getString("id"),
                  plan.goal(),
                  decision.verdict(),
                  decision.findings().stream()
                      .filter(f -> f.verdict() != Verdict.APPROVED)
                      .map(Finding::rule)
                      .distinct()
                      .toList(),
                  decision.decidedAt()));
        }
      }
      return history;
    }
  }

  /** The plan's targets that an agent created, with who created them and in which step. */
  private static List<Resource> createdByAgents(Connection connection, Plan plan)
      throws SQLException {
    List<Resource> created = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM resources WHERE target = ?")) {
      for (Step step : plan.steps()) {
        if (step.target() == null || !seen.add(step.target())) {
          continue;
        }
        select.setString(1, step.target());
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            created.add(resource(rows));
          }
        }
      }
    }
    return created;
  }

  private static Optional<Escalation> findEscalation(Connection connection, String id)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM escalations WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(escalation(rows)) : Optional.empty();
      }
    }
  }

  private static Optional<Decision> findDecision(Connection connection, String planId)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT body, audit_seq FROM decisions WHERE plan_id = ?")) {
      select.setString(1, planId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(decision(rows)) : Optional.empty();
      }
    }
  }

  private static Decision decision(ResultSet rows) throws SQLException {
    return Json.read(rows.getString("body"), Decision.class)
        .withAuditSeq(rows.getLong("audit_seq"));
  }

  private static Optional<RuleSetVersion> findRuleSet(Connection connection, int version)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM rule_sets WHERE version = ?")) {
      select.setInt(1, version);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(ruleSet(rows)) : Optional.empty();
      }
    }
  }

  static Optional<Resource> findResource(Connection connection, String target) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM resources WHERE target = ?")) {
      select.setString(1, target);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(resource(rows)) : Optional.empty();
      }
    }
  }

  private static Resource resource(ResultSet rows) throws SQLException {
    return new Resource(
        rows.getString("target"),
        rows.getString("kind"),
        rows.getString("created_by"),
        rows.getString("plan_id"),
        rows.getString("step_id"),
        Instant.ofEpochMilli(rows.getLong("created_at")));
  }

  /**
   * H2 keeps committed data in memory and writes it to its file later ({@code WRITE_DELAY}, half a
   * second by default), so a killed process loses the last commits. {@code WRITE_DELAY=0} closes
   * that gap but writes the file at the end of every transaction, reads included; with reads
   * running beside the writer that was most of the store's work. Instead the writer writes the file
   * itself once per batch, after its commit and before any acknowledgement. This does not fsync: an
   * operating-system crash can still lose the last commits.
   */
  static GroupCommitWriter.Durability durability(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(JdbcConnection.class)) {
      return () -> {};
    }
    if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
        || !session.getDatabase().isPersistent()) {
      return () -> {};
    }
    MVStore file = session.getDatabase().getStore().getMvStore();
    return file::commit;
  }

  private static AuditChain.Head readHead(Connection connection) throws SQLException {
    try (Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")) {
      return rows.next()
          ? new AuditChain.Head(rows.getLong(1), rows.getString(2))
          : AuditChain.Head.EMPTY;
    }
  }

  private static Optional<Agent> findAgent(Connection connection, String id) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM agents WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(agent(rows)) : Optional.empty();
      }
    }
  }

  private static Agent agent(ResultSet rows) throws SQLException {
    return new Agent(
        rows.getString("id"),
        rows.getString("name"),
        rows.getString("owner"),
        Environment.fromWire(rows.getString("environment")),
        Json.read(rows.getString("grants"), STRINGS),
        Json.read(rows.getString("budgets"), Budgets.class),
        Json.read(rows.getString("labels"), STRING_MAP),
        Instant.ofEpochMilli(rows.getLong("registered_at")),
        Json.read(rows.getString("tools"), TOOLS));
  }

  private static Escalation escalation(ResultSet rows) throws SQLException {
    long resolvedAt = rows.getLong("resolved_at");
    boolean resolved = !rows.wasNull();
    return new Escalation(
        rows.getString("id"),
        rows.getString("plan_id"),
        rows.getString("agent_id"),
        EscalationStatus.valueOf(rows.getString("status")),
        Severity.valueOf(rows.getString("severity")),
        Instant.ofEpochMilli(rows.getLong("created_at")),
        Instant.ofEpochMilli(rows.getLong("deadline")),
        resolved ? Instant.ofEpochMilli(resolvedAt) : null,
        rows.getString("resolved_by"),
        rows.getString("reason"));
  }

  static AuditEntry auditEntry(ResultSet rows) throws SQLException {
    return new AuditEntry(
        rows.getLong("seq"),
        Instant.ofEpochMilli(rows.getLong("at")),
        rows.getString("type"),
        rows.getString("actor"),
        rows.getString("subject"),
        rows.getString("payload"),
        rows.getString("prev_hash"),
        rows.getString("hash"));
  }

  private static RuleSetVersion ruleSet(ResultSet rows) throws SQLException {
    return new RuleSetVersion(
        rows.getInt("version"),
        Json.read(rows.getString("files"), STRING_MAP),
        Json.read(rows.getString("tests"), TESTS),
        rows.getString("comment"),
        Instant.ofEpochMilli(rows.getLong("created_at")),
        rows.getBoolean("active"));
  }

  static KnowledgeException unavailable(SQLException e) {
    return new KnowledgeException(
        KnowledgeException.Kind.UNAVAILABLE, "the store cannot be read: " + e.getMessage(), e);
  }
}
