package dev.governor.knowledge.bus;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Escalation;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
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

  /** An authenticated agent reports how one of its approved steps went. */
  public record StepReportSubmission(
      String planId, String stepId, Agent agent, String status, Map<String, Object> result) {}

  /** A recorded step report, and the resource it created, if any. */
  public record StepReported(StepReport report, Resource created, long auditSeq) {}

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

  /** A valid plan, with a snapshot of its agent, ready for analysis. */
  public record PlanReceived(Plan plan, Agent agent) {}

  /** A plan with the findings the rules produced and the rule-set version that ran. */
  public record PlanAnalyzed(Plan plan, Agent agent, List<Finding> findings, int ruleSetVersion) {}

  /** The decision the Plan stage made, and the escalation it opens if any. */
  public record DecisionProposed(
      Plan plan, Agent agent, Decision decision, Escalation escalation) {}

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
