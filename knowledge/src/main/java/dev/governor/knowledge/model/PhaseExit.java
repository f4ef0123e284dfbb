package dev.governor.knowledge.model;

import java.util.List;

/**
 * The exit condition of one phase: a sentence for people, and what is checked. {@code evidence}
 * lists envelope kinds that must be given and pass their verifiers (in the transition or on a
 * completed step of the task); {@code approvedPlan} needs an approved plan in the task; {@code
 * stepsComplete} needs every approved step of the task completed with verified evidence.
 */
public record PhaseExit(
    String condition, List<String> evidence, boolean approvedPlan, boolean stepsComplete) {

  public PhaseExit {
    condition = condition == null ? "" : condition;
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }
}
