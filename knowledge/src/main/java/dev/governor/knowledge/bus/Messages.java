package dev.governor.knowledge.bus;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.AgentCommand;
import dev.governor.knowledge.model.Alert;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Circuit;
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
import dev.governor.knowledge.model.TelemetryEvent;
import dev.governor.knowledge.model.Usage;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
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

  /**
   * An authenticated agent's telemetry: its events, and the same events as the validated JSON it
   * sent, which is what is stored.
   */
  public record TelemetryBatch(Agent agent, List<TelemetryEvent> events, String eventsJson) {
    public TelemetryBatch {
      Objects.requireNonNull(agent, "agent");
      events = List.copyOf(events);
    }
  }

  /** A durable batch, and the agent's circuit after it was counted. */
  public record TelemetryAccepted(int accepted, long batchSeq, Circuit circuit) {}

  /** An authenticated agent says it is alive. */
  public record Heartbeat(String agentId) {}

  /** A durable heartbeat, and the agent's circuit. */
  public record HeartbeatRecorded(String agentId, Instant at, Circuit circuit) {}

  /** Someone asks for an agent's running figures. */
  public record UsageQuery(String agentId) {}

  /**
   * An agent's running figures per task, when it was last heard from (null unless it sends
   * heartbeats) and whether the watchdog marked it silent.
   */
  public record UsageReport(String agentId, List<Usage> tasks, Instant lastHeard, boolean silent) {}

  /** An operator replaces an agent's budgets. */
  public record BudgetsChange(String agentId, Budgets budgets, String actor) {}

  /** An agent's budgets, as now recorded. */
  public record BudgetsChanged(Agent agent) {}

  /** What Monitor saw that may call for an adaptation. */
  public enum SymptomKind {
    /** A budget (tokens, cost, runtime, action depth) was crossed. */
    BUDGET_CROSSED,
    /** Failed tool calls over the sliding window passed the agent's error rate. */
    ERROR_RATE,
    /** The same step or idempotency key came more often than allowed in the window. */
    RETRY_STORM,
    /** A half-open circuit's probe: tool calls that all succeeded. */
    PROBE_CLEAN,
    /** A half-open circuit's probe: a tool call failed. */
    PROBE_FAILED,
    /** No heartbeat within the configured time. */
    SILENT,
    /** A silent agent was heard from again. */
    HEARD_AGAIN,
    /** An open task made no progress (plan, step report, phase) within the configured time. */
    TASK_STALLED,
    /** A stalled task of the agent moved again. */
    TASK_PROGRESSED
  }

  /** A symptom about one agent, with what a person should read about it. */
  public record Symptom(String agentId, SymptomKind kind, String message, Instant at) {}

  /** What an adaptation does. */
  public enum AdaptationAction {
    OPEN_CIRCUIT,
    CLOSE_CIRCUIT,
    REOPEN_CIRCUIT,
    RAISE_SILENCE_ALERT,
    CLEAR_SILENCE_ALERT,
    RAISE_STALL_ALERT,
    CLEAR_STALL_ALERT
  }

  /**
   * An adaptation Plan chose for a symptom; {@code trip} says what opens a circuit (see {@link
   * Circuit}).
   */
  public record Adaptation(
      String agentId, AdaptationAction action, String trip, String reason, String actor) {}

  /** An adaptation or operator command carried out: the agent's circuit afterwards. */
  public record Adapted(Circuit circuit, AgentCommand command) {}

  /** An operator's command for an agent: pause, resume, abort, or reset its circuit. */
  public record OperatorCommand(String agentId, String command, String reason, String actor) {}

  /** An agent's circuit moved. */
  public record CircuitChanged(Circuit before, Circuit after) {}

  /** A command for an agent, recorded. */
  public record CommandIssued(AgentCommand command) {}

  /** An alert raised or cleared. */
  public record AlertChanged(Alert alert) {}

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
          RuleSetActivated.class,
          TelemetryBatch.class,
          TelemetryAccepted.class,
          Heartbeat.class,
          HeartbeatRecorded.class,
          UsageQuery.class,
          UsageReport.class,
          BudgetsChange.class,
          BudgetsChanged.class,
          Symptom.class,
          Adaptation.class,
          Adapted.class,
          OperatorCommand.class,
          CircuitChanged.class,
          CommandIssued.class,
          AlertChanged.class);
}
