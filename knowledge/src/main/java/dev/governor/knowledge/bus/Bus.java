package dev.governor.knowledge.bus;

/**
 * The whole conversation of the loop, by address. Each address is owned by the stage in its name:
 * that stage consumes requests sent to it, or publishes what it produced there. Data flows one way:
 * agents and people → Monitor → Analyze → Plan → Execute → agents and people. Anything may listen
 * to a published address (the console, a test, a second node).
 *
 * <p>Requests fail with a {@link BusFailure} code and a message a person can read.
 */
public final class Bus {

  private Bus() {}

  // ---- Monitor: what comes in from agents and people ----

  /** Request {@link Messages.AgentRegistration}; reply {@link Messages.AgentRegistered}. */
  public static final String MONITOR_REGISTER_AGENT = "governor.monitor.agent.register";

  /**
   * Request {@link Messages.PlanSubmission}; reply {@link Messages.PlanAccepted} once the plan is
   * valid and queued for recording. The decision follows on {@link #EXECUTE_DECISIONS}.
   */
  public static final String MONITOR_SUBMIT_PLAN = "governor.monitor.plan.submit";

  /** Published {@link Messages.AgentJoined}: an agent was registered (its token is not in it). */
  public static final String MONITOR_AGENTS = "governor.monitor.agents";

  /**
   * Request {@link Messages.ActionEffectOverride}; reply {@link Messages.ActionEffectSet} once
   * recorded.
   */
  public static final String MONITOR_SET_ACTION_EFFECT = "governor.monitor.action.effect.set";

  /** Published {@link Messages.ActionEffectSet}: an operator changed an action's effect class. */
  public static final String MONITOR_ACTION_EFFECTS = "governor.monitor.action.effects";

  /**
   * Request {@link Messages.StepReportSubmission}; reply {@link Messages.StepReported} once
   * recorded.
   */
  public static final String MONITOR_REPORT_STEP = "governor.monitor.step.report";

  /** Published {@link Messages.StepReported}: a step was reported, maybe creating a resource. */
  public static final String MONITOR_STEP_REPORTS = "governor.monitor.step.reports";

  /**
   * Request {@link Messages.TaskOpening}; reply {@link Messages.TaskOpened} once recorded (or the
   * task opened earlier under the same idempotency key).
   */
  public static final String MONITOR_OPEN_TASK = "governor.monitor.task.open";

  /**
   * Request {@link Messages.TaskAdvance}; reply {@link Messages.TaskAdvanced}: the task in its new
   * phase, or the gate's refusal with what is missing. Evidence is verified before the reply.
   */
  public static final String MONITOR_ADVANCE_TASK = "governor.monitor.task.advance";

  /** Published {@link Messages.TaskOpened} and {@link Messages.TaskAdvanced}: a task changed. */
  public static final String MONITOR_TASKS = "governor.monitor.tasks";

  /** Published {@link Messages.PlanReceived}: a valid plan, with its agent, to analyze. */
  public static final String MONITOR_PLANS = "governor.monitor.plans";

  /**
   * Request {@link Messages.TelemetryBatch}; reply {@link Messages.TelemetryAccepted} once the
   * batch is durable and its figures are counted (and, when it crossed a budget, once the circuit
   * it opened is recorded). A full telemetry queue fails it with {@link BusFailure#BUSY}.
   */
  public static final String MONITOR_INGEST_TELEMETRY = "governor.monitor.telemetry.ingest";

  /** Request {@link Messages.Heartbeat}; reply {@link Messages.HeartbeatRecorded} once durable. */
  public static final String MONITOR_HEARTBEAT = "governor.monitor.heartbeat";

  /**
   * Request {@link Messages.UsageQuery}; reply {@link Messages.UsageReport}: the running figures
   * Monitor holds for an agent, to the last plan and batch.
   */
  public static final String MONITOR_USAGE = "governor.monitor.usage";

  /**
   * Request {@link Messages.BudgetsChange}; reply {@link Messages.BudgetsChanged} once recorded.
   */
  public static final String MONITOR_SET_BUDGETS = "governor.monitor.budgets.set";

  /** Published {@link Messages.BudgetsChanged}: an operator changed an agent's budgets. */
  public static final String MONITOR_BUDGETS = "governor.monitor.budgets";

  /** Published {@link Messages.Symptom}: something Monitor saw that may need an adaptation. */
  public static final String MONITOR_SYMPTOMS = "governor.monitor.symptoms";

  // ---- Analyze: facts through the active rules ----

  /** Published {@link Messages.PlanAnalyzed}: a plan with every finding the rules produced. */
  public static final String ANALYZE_FINDINGS = "governor.analyze.findings";

  /**
   * Request {@link Messages.RuleSetActivation}; reply {@link Messages.RuleSetActivated} once the
   * version is compiled, recorded as active and swapped in.
   */
  public static final String ANALYZE_ACTIVATE_RULE_SET = "governor.analyze.ruleset.activate";

  // ---- Plan: findings into decisions ----

  /** Published {@link Messages.DecisionProposed}: the combined decision, not yet recorded. */
  public static final String PLAN_DECISIONS = "governor.plan.decisions";

  /**
   * Request {@link Messages.Symptom}; reply {@link Messages.Adapted} once the adaptation it called
   * for (if any) is carried out and recorded. Monitor sends its symptoms here and also publishes
   * them on {@link #MONITOR_SYMPTOMS}.
   */
  public static final String PLAN_HANDLE_SYMPTOM = "governor.plan.symptom.handle";

  /** Published {@link Messages.Adaptation}: what Plan decided to do about a symptom. */
  public static final String PLAN_ADAPTATIONS = "governor.plan.adaptations";

  // ---- Execute: carrying decisions out ----

  /**
   * Published {@link Messages.DecisionRecorded}: a decision is durable and may be told to the
   * agent; also after an escalation is settled.
   */
  public static final String EXECUTE_DECISIONS = "governor.execute.decisions";

  /**
   * Published {@link Messages.LeasesGranted}: leases an approved plan took, published before the
   * decision that carries them out is announced. Releases come with {@link Messages.StepReported}.
   */
  public static final String EXECUTE_LEASES = "governor.execute.leases";

  /**
   * Published {@link Messages.ReviewFailed}: a plan's review could not be completed or recorded;
   * nothing was approved.
   */
  public static final String EXECUTE_FAILURES = "governor.execute.failures";

  /**
   * Published {@link Messages.EscalationChanged}: an escalation opened, was answered or expired.
   */
  public static final String EXECUTE_ESCALATIONS = "governor.execute.escalations";

  /**
   * Request {@link Messages.EscalationAnswer}; reply {@link Messages.DecisionRecorded} with the
   * settled decision.
   */
  public static final String EXECUTE_RESOLVE_ESCALATION = "governor.execute.escalation.resolve";

  /**
   * Request {@link Messages.Adaptation}; reply {@link Messages.Adapted} once it is carried out: the
   * circuit moved, the command pushed, the alert raised, all recorded and audited.
   */
  public static final String EXECUTE_ADAPT = "governor.execute.adapt";

  /**
   * Request {@link Messages.OperatorCommand}; reply {@link Messages.Adapted} once carried out and
   * recorded. Fails with {@link BusFailure#CONFLICT} when there is nothing to resume or reset.
   */
  public static final String EXECUTE_COMMAND_AGENT = "governor.execute.agent.command";

  /** Published {@link Messages.CircuitChanged}: an agent's circuit moved. */
  public static final String EXECUTE_CIRCUITS = "governor.execute.circuits";

  /**
   * Published {@link Messages.CommandIssued}: a command for an agent is recorded; its command
   * stream pushes it.
   */
  public static final String EXECUTE_COMMANDS = "governor.execute.commands";

  /** Published {@link Messages.AlertChanged}: an alert was raised or cleared. */
  public static final String EXECUTE_ALERTS = "governor.execute.alerts";
}
