package dev.governor.knowledge.model;

import java.util.Objects;

/**
 * What one rule said about one step: the rule's name, how much it matters, which step, why, and the
 * verdict it asks for.
 */
public record Finding(
    String rule, Severity severity, String stepId, String message, Verdict verdict) {

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(verdict, "verdict");
  }
}
