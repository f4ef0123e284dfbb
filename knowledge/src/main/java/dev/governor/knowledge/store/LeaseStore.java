package dev.governor.knowledge.store;

import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.LeaseRequest;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Leases on resources. A decision and the leases its approved writing steps take are recorded in
 * one write, so an approval is never durable without its leases. Fencing tokens come from the one
 * writer and only grow.
 */
public final class LeaseStore {

  /**
   * The rule named when a lease was taken by another agent while this plan was under review: the
   * rules could not see it, and this check, in the writer, can.
   */
  public static final String LEASED_DURING_REVIEW =
      "A resource another agent leased while the plan was under review is denied";

  /** A recorded decision (amended if a lease was taken meanwhile) and the leases it took. */
  public record Recorded(Decision decision, Escalation escalation, List<Lease> granted) {}

  private final KnowledgeStore store;

  LeaseStore(KnowledgeStore store) {
    this.store = store;
  }

  /**
   * Records a decision with its escalation, and grants a lease for each requested step that is
   * still approved. A step whose resource another agent holds a lease on by now is denied instead,
   * naming the holder.
   */
  public CompletableFuture<Recorded> recordDecision(
      Plan plan,
      Decision decision,
      Escalation escalation,
      List<LeaseRequest> requests,
      Duration ttl) {
    return store.submit(
        tx -> {
          Connection connection = tx.connection();
          Instant now = decision.decidedAt();
          Map<String, Verdict> verdicts =
              decision.steps().stream()
                  .collect(Collectors.toMap(StepVerdict::id, StepVerdict::verdict));
          List<Finding> conflicts = new ArrayList<>();
          List<LeaseRequest> granting = new ArrayList<>();
          // One look-up per resource answers both questions: is it held by another agent (a
          // conflict), and by this one (a take-over when granting below).
          Map<String, Optional<Lease>> own = new HashMap<>();
          for (LeaseRequest request : requests) {
            if (verdicts.get(request.stepId()) == Verdict.ESCALATED) {
              insertRequest(connection, plan.id(), request);
              continue;
            }
            if (verdicts.get(request.stepId()) != Verdict.APPROVED) {
              continue;
            }
            Holders holders = holders(tx, request.resource(), plan.agentId(), now);
            own.put(request.resource(), holders.own());
            Optional<Lease> held = holders.other();
            if (held.isPresent()) {
              conflicts.add(
                  new Finding(
                      LEASED_DURING_REVIEW,
                      Severity.CRITICAL,
                      request.stepId(),
                      describeHolder(held.get()) + "; send the plan again once it is released",
                      Verdict.DENIED));
            } else {
              granting.add(request);
            }
          }
          Decision deciding = decision;
          Escalation opening = escalation;
          if (!conflicts.isEmpty()) {
            List<Finding> findings = new ArrayList<>(decision.findings());
            findings.addAll(conflicts);
            deciding =
                DecisionPolicy.decide(
                    plan,
                    findings,
                    decision.ruleSetVersion(),
                    decision.decidedAt(),
                    decision.escalationId());
            opening = deciding.verdict() == Verdict.ESCALATED ? escalation : null;
          }
          Decision recorded = store.writeDecision(tx, deciding, opening);
          List<Lease> granted = grant(tx, plan.agentId(), plan.id(), granting, now, ttl, own);
          return new Recorded(recorded, opening, granted);
        });
  }

  /** A settled escalation and the leases its approved writing steps took. */
  public record Settled(KnowledgeStore.Resolution resolution, List<Lease> granted) {}

  /**
   * Settles an escalation by a person's answer and, when it approves, grants the leases its writing
   * steps asked for, in the same write. A person's approval outranks another agent's lease: the new
   * lease gets a higher fencing token, so the older holder's writes can be refused downstream.
   */
  public CompletableFuture<Settled> resolveEscalation(
      String escalationId,
      Verdict outcome,
      String operator,
      String reason,
      Instant at,
      Duration ttl) {
    return store.submit(
        tx -> {
          KnowledgeStore.Resolution resolution =
              store.resolveEscalation(tx, escalationId, outcome, operator, reason, at);
          Decision decision = resolution.decision();
          Connection connection = tx.connection();
          List<LeaseRequest> requested = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT step_id, resource FROM lease_requests WHERE plan_id = ?"
                      + " ORDER BY step_id")) {
            select.setString(1, decision.planId());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                requested.add(new LeaseRequest(rows.getString(1), rows.getString(2)));
              }
            }
          }
          forgetRequests(connection, decision.planId());
          Map<String, Verdict> verdicts =
              decision.steps().stream()
                  .collect(Collectors.toMap(StepVerdict::id, StepVerdict::verdict));
          List<LeaseRequest> approved =
              requested.stream()
                  .filter(request -> verdicts.get(request.stepId()) == Verdict.APPROVED)
                  .toList();
          return new Settled(
              resolution,
              grant(tx, decision.agentId(), decision.planId(), approved, at, ttl, new HashMap<>()));
        });
  }

  /** Drops the leases a plan's escalated steps asked for, once its escalation is settled. */
  static void forgetRequests(Connection connection, String planId) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM lease_requests WHERE plan_id = ?")) {
      delete.setString(1, planId);
      delete.executeUpdate();
    }
  }

  private static List<Lease> grant(
      GroupCommitWriter.Tx tx,
      String agentId,
      String planId,
      List<LeaseRequest> requests,
      Instant now,
      Duration ttl,
      Map<String, Optional<Lease>> ownByResource)
      throws SQLException {
    List<Lease> granted = new ArrayList<>();
    // Read only when a new lease is given: an agent rewriting what it already holds needs none.
    long token = -1;
    for (LeaseRequest request : requests) {
      // An agent holds at most one lease on a resource: a later write of its own takes the lease
      // over (same fencing token, new step and expiry) instead of stacking another one, so an
      // agent that writes one resource again and again does not pile up leases.
      // Known from the conflict check, or from a step of this plan granted just before.
      Optional<Lease> own = ownByResource.get(request.resource());
      if (own == null) {
        own = heldBy(tx, request.resource(), agentId, now);
      }
      if (own.isPresent()) {
        Lease moved =
            new Lease(
                own.get().fencingToken(),
                request.resource(),
                agentId,
                planId,
                request.stepId(),
                own.get().acquiredAt(),
                now.plus(ttl),
                null);
        moveTo(tx, moved);
        granted.add(moved);
        ownByResource.put(request.resource(), Optional.of(moved));
        continue;
      }
      if (token < 0) {
        token = highestToken(tx);
      }
      Lease lease =
          new Lease(
              ++token,
              request.resource(),
              agentId,
              planId,
              request.stepId(),
              now,
              now.plus(ttl),
              null);
      insert(tx, lease);
      granted.add(lease);
      ownByResource.put(request.resource(), Optional.of(lease));
    }
    return granted;
  }

  private static void moveTo(GroupCommitWriter.Tx tx, Lease lease) throws SQLException {
    PreparedStatement update =
        tx.prepared(
            "UPDATE leases SET plan_id = ?, step_id = ?, expires_at = ? WHERE fencing_token = ?");
    update.setString(1, lease.planId());
    update.setString(2, lease.stepId());
    update.setLong(3, lease.expiresAt().toEpochMilli());
    update.setLong(4, lease.fencingToken());
    update.executeUpdate();
  }

  private static void insertRequest(Connection connection, String planId, LeaseRequest request)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO lease_requests (plan_id, step_id, resource) VALUES (?, ?, ?)")) {
      insert.setString(1, planId);
      insert.setString(2, request.stepId());
      insert.setString(3, request.resource());
      insert.executeUpdate();
    }
  }

  /** Leases held now, by resource, then token. */
  public List<Lease> active(Instant now) {
    return query(
        "SELECT * FROM leases WHERE released_at IS NULL AND expires_at > ?"
            + " ORDER BY resource, fencing_token",
        now.toEpochMilli());
  }

  /**
   * Leases that were held on any of these resources at an instant before now, for replaying a past
   * review. A lease taken over by its own agent keeps its row (and its first acquisition), so its
   * latest expiry stands for the whole time it was held.
   */
  public List<Lease> heldAt(Collection<String> resources, Instant at) {
    List<Lease> held = new ArrayList<>();
    for (String resource : new TreeSet<>(resources)) {
      held.addAll(
          query(
              "SELECT * FROM leases WHERE resource = ? AND acquired_at < ? AND expires_at > ?"
                  + " AND (released_at IS NULL OR released_at > ?) ORDER BY fencing_token",
              resource,
              at.toEpochMilli(),
              at.toEpochMilli(),
              at.toEpochMilli()));
    }
    return held;
  }

  /** Every lease ever given on a resource, newest first. */
  public List<Lease> history(String resource, int limit) {
    return query(
        "SELECT * FROM leases WHERE resource = ? ORDER BY fencing_token DESC LIMIT " + limit,
        resource);
  }

  /** How the holder of a lease is named in findings. */
  public static String describeHolder(Lease lease) {
    return lease.resource()
        + " is leased by agent "
        + lease.agentId()
        + " (plan "
        + lease.planId()
        + ", step "
        + lease.stepId()
        + ", fencing token "
        + lease.fencingToken()
        + ") until "
        + lease.expiresAt();
  }

  private List<Lease> query(String sql, Object... args) {
    try (Connection connection = store.reader();
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        select.setObject(i + 1, args[i]);
      }
      List<Lease> found = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(lease(rows));
        }
      }
      return found;
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** The newest active lease on a resource held by the agent itself, and by any other agent. */
  private record Holders(Optional<Lease> own, Optional<Lease> other) {}

  private static Holders holders(
      GroupCommitWriter.Tx tx, String resource, String agentId, Instant now) throws SQLException {
    PreparedStatement select =
        tx.prepared(
            "SELECT * FROM leases WHERE resource = ? AND released_at IS NULL AND expires_at > ?"
                + " ORDER BY fencing_token DESC");
    select.setString(1, resource);
    select.setLong(2, now.toEpochMilli());
    Lease own = null;
    Lease other = null;
    try (ResultSet rows = select.executeQuery()) {
      while ((own == null || other == null) && rows.next()) {
        Lease lease = lease(rows);
        if (lease.agentId().equals(agentId)) {
          own = own == null ? lease : own;
        } else {
          other = other == null ? lease : other;
        }
      }
    }
    return new Holders(Optional.ofNullable(own), Optional.ofNullable(other));
  }

  /** The newest active lease on the resource held by the agent. */
  private static Optional<Lease> heldBy(
      GroupCommitWriter.Tx tx, String resource, String agentId, Instant now) throws SQLException {
    return holders(tx, resource, agentId, now).own();
  }

  private static long highestToken(GroupCommitWriter.Tx tx) throws SQLException {
    try (ResultSet rows =
        tx.prepared("SELECT COALESCE(MAX(fencing_token), 0) FROM leases").executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static void insert(GroupCommitWriter.Tx tx, Lease lease) throws SQLException {
    PreparedStatement insert =
        tx.prepared(
            "INSERT INTO leases (fencing_token, resource, agent_id, plan_id, step_id,"
                + " acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.setLong(1, lease.fencingToken());
    insert.setString(2, lease.resource());
    insert.setString(3, lease.agentId());
    insert.setString(4, lease.planId());
    insert.setString(5, lease.stepId());
    insert.setLong(6, lease.acquiredAt().toEpochMilli());
    insert.setLong(7, lease.expiresAt().toEpochMilli());
    insert.executeUpdate();
  }

  static Lease lease(ResultSet rows) throws SQLException {
    long released = rows.getLong("released_at");
    boolean isReleased = !rows.wasNull();
    return new Lease(
        rows.getLong("fencing_token"),
        rows.getString("resource"),
        rows.getString("agent_id"),
        rows.getString("plan_id"),
        rows.getString("step_id"),
        Instant.ofEpochMilli(rows.getLong("acquired_at")),
        Instant.ofEpochMilli(rows.getLong("expires_at")),
        isReleased ? Instant.ofEpochMilli(released) : null);
  }
}
