package dev.governor.rules.model;

import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Verdict;

/**
 * What a rule says about a step. A rule emits one with {@code insert(Finding.deny(
 * drools.getRule().getName(), $step, "why"))}; {@code escalate} asks a person, {@code approve} says
 * why a step may go ahead. A step that no rule approves is escalated.
 */
public final class Finding {

  private final String rule;
  private final Severity severity;
  private final String stepId;
  private final String message;
  private final Verdict verdict;

  public Finding(String rule, Severity severity, String stepId, String message, Verdict verdict) {
    this.rule = rule;
    this.severity = severity;
    this.stepId = stepId;
    this.message = message;
    this.verdict = verdict;
  }

  public static Finding deny(String rule, Step step, String message) {
    return new Finding(rule, Severity.CRITICAL, step.getId(), message, Verdict.DENIED);
  }

  public static Finding escalate(String rule, Step step, String message) {
    return new Finding(rule, Severity.HIGH, step.getId(), message, Verdict.ESCALATED);
  }

  public static Finding escalate(String rule, Step step, Severity severity, String message) {
    return new Finding(rule, severity, step.getId(), message, Verdict.ESCALATED);
  }

  /** A finding about the whole plan rather than one step: it applies to every step. */
  public static Finding denyPlan(String rule, String message) {
    return new Finding(rule, Severity.CRITICAL, null, message, Verdict.DENIED);
  }

  public static Finding approve(String rule, Step step, String message) {
    return new Finding(rule, Severity.INFO, step.getId(), message, Verdict.APPROVED);
  }

  public String getRule() {
    return rule;
  }

  public Severity getSeverity() {
    return severity;
  }

  public String getStepId() {
    return stepId;
  }

  public String getMessage() {
    return message;
  }

  public Verdict getVerdict() {
    return verdict;
  }

  public dev.governor.knowledge.model.Finding toKnowledge() {
    return new dev.governor.knowledge.model.Finding(rule, severity, stepId, message, verdict);
  }
}
