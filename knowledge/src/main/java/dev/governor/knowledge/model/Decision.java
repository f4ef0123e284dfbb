package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Governor's answer to a plan: a verdict for the plan and each step, the findings behind it, the
 * rule-set version that decided, who decided ({@code rules}, {@code governor}, or {@code
 * operator:<name>}) and why, and the audit position of its latest change ({@code auditSeq}).
 */
public record Decision(
    String planId,
    String agentId,
    Verdict verdict,
    List<StepVerdict> steps,
    List<Finding> findings,
    int ruleSetVersion,
    String decidedBy,
    String reason,
    String escalationId,
    long auditSeq,
    Instant decidedAt) {

  public static final String BY_RULES = "rules";
  public static final String BY_GOVERNOR = "governor";

  public Decision {
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(verdict, "verdict");
    steps = List.copyOf(steps);
    findings = List.copyOf(findings);
    Objects.requireNonNull(decidedBy, "decidedBy");
    Objects.requireNonNull(decidedAt, "decidedAt");
  }

  public Decision withAuditSeq(long seq) {
    return new Decision(
        planId,
        agentId,
        verdict,
        steps,
        findings,
        ruleSetVersion,
        decidedBy,
        reason,
        escalationId,
        seq,
        decidedAt);
  }

  /** The decision after a person (or the deadline) settled its escalated steps. */
  public Decision settled(Verdict outcome, String by, String why, Instant at) {
    List<StepVerdict> settledSteps =
        steps.stream()
            .map(s -> s.verdict() == Verdict.ESCALATED ? new StepVerdict(s.id(), outcome) : s)
            .toList();
    Verdict planVerdict =
        settledSteps.stream()
            .map(StepVerdict::verdict)
            .reduce(Verdict.APPROVED, Verdict::strongest);
    return new Decision(
        planId,
        agentId,
        planVerdict,
        settledSteps,
        findings,
        ruleSetVersion,
        by,
        why,
        escalationId,
        auditSeq,
        at);
  }
}
