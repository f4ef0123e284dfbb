package dev.governor.knowledge.bus;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.LeaseRequest;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The messages of the loop, one record each. They are immutable, so the bus hands a local consumer
 * the sender's instance (see {@link RecordCodec}).
 */
public final class Messages {

  private Messages() {}

  /** An operator asks to register an agent, with the effects it declares for its own tools. */
  public record AgentRegistration(
      String name,
      String owner,
      String environment,
      List<String> grants,
      Budgets budgets,
      Map<String, String> labels,
      Map<String, String> tools,
      String actor) {}

  /**
   * An authenticated agent reports how one of its approved steps went, with evidence envelopes and
   * an optional idempotency key.
   */
  public record StepReportSubmission(
      String planId,
      String stepId,
      Agent agent,
      String status,
      Map<String, Object> result,
      String idempotencyKey,
      List<Evidence> evidence) {}

  /**
   * A recorded step report (its state says whether the step is complete), the resource it created
   * and the lease it released, if any; {@code alreadyDone} when this answer was recorded before.
   */
  public record StepReported(
      StepReport report, Resource created, Lease released, long auditSeq, boolean alreadyDone) {}

  /** An authenticated agent opens a task. */
  public record TaskOpening(
      Agent agent, String idempotencyKey, String goal, List<String> scope, String classification) {}

  /** An opened task; {@code replay} when it was opened before under the same key. */
  public record TaskOpened(Task task, long auditSeq, boolean replay) {}

  /** An authenticated agent asks to move its task to the next phase, with evidence. */
  public record TaskAdvance(String taskId, Agent agent, String to, List<Evidence> evidence) {}

  /**
   * The answer of a phase gate: the task (moved, unless {@code refused}), what is missing when
   * refused, and what the verifiers found in the evidence given.
   */
  public record TaskAdvanced(
      Task task,
      boolean refused,
      String from,
      List<String> missing,
      List<EvidenceCheck> checks,
      long auditSeq,
      boolean replay) {}

  /** Leases an approved plan took. */
  public record LeasesGranted(List<Lease> leases) {}

  /** An operator overrides the effect class of one action, for every agent. */
  public record ActionEffectOverride(String action, String effect, String actor) {}

  /** An action's effect class, as now set by an operator. */
  public record ActionEffectSet(String action, EffectClass effect, long auditSeq) {}

  /** The registered agent and its secret token, which exists nowhere else. */
  public record AgentRegistered(Agent agent, String token, long auditSeq) {}

  /** A registered agent, as announced to anyone listening. */
  public record AgentJoined(Agent agent, long auditSeq) {}

  /** An authenticated agent sends a plan for review; {@code planId} is assigned by the sender. */
  public record PlanSubmission(
      String planId,
      Agent agent,
      String idempotencyKey,
      String taskId,
      String goal,
      List<Step> steps) {
    public PlanSubmission {
      Objects.requireNonNull(planId, "planId");
      Objects.requireNonNull(agent, "agent");
      steps = List.copyOf(steps);
    }
  }

  /**
   * The plan passed Monitor's checks and is on its way round the loop; or, when {@code retry} is
   * set, the same plan was already sent under the same idempotency key, as plan {@code planId}.
   */
  public record PlanAccepted(String planId, boolean retry) {}

  /** A valid plan, with a snapshot of its agent and of its task if any, ready for analysis. */
  public record PlanReceived(Plan plan, Agent agent, Task task) {}

  /**
   * A plan with the findings the rules produced, the rule-set version that ran, and the effect
   * class of each step (by step id).
   */
  public record PlanAnalyzed(
      Plan plan,
      Agent agent,
      List<Finding> findings,
      int ruleSetVersion,
      Map<String, String> effects) {}

  /**
   * The decision the Plan stage made, the escalation it opens if any, and the leases its approved
   * writing steps should take.
   */
  public record DecisionProposed(
      Plan plan,
      Agent agent,
      Decision decision,
      Escalation escalation,
      List<LeaseRequest> leases) {}

  /** A decision that is durable in the knowledge store. */
  public record DecisionRecorded(Decision decision) {}

  /** A plan whose review failed; nothing was approved. */
  public record ReviewFailed(String planId, String agentId, String reason) {}

  /** A person answers an escalation with a verdict and a reason. */
  public record EscalationAnswer(
      String escalationId, Verdict verdict, String reason, String operator) {}

  /** What happened to an escalation. */
  public record EscalationChanged(Escalation escalation, Decision decision) {}

  /**
   * An author asks to make a stored rule-set version the active one; its tests must pass unless
   * {@code force} is set, and forcing past failures is audited.
   */
  public record RuleSetActivation(int version, String actor, boolean force) {}

  /** The version now deciding reviews. */
  public record RuleSetActivated(int version) {}

  /** Every message type, for codec registration. */
  static final List<Class<? extends Record>> ALL =
      List.of(
          AgentRegistration.class,
          ActionEffectOverride.class,
          StepReportSubmission.class,
          StepReported.class,
          TaskOpening.class,
          TaskOpened.class,
          TaskAdvance.class,
          TaskAdvanced.class,
          LeasesGranted.class,
          ActionEffectSet.class,
          AgentRegistered.class,
          AgentJoined.class,
          PlanSubmission.class,
          PlanAccepted.class,
          PlanReceived.class,
          PlanAnalyzed.class,
          DecisionProposed.class,
          DecisionRecorded.class,
          ReviewFailed.class,
          EscalationAnswer.class,
          EscalationChanged.class,
          RuleSetActivation.class,
          RuleSetActivated.class);
}
