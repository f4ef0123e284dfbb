package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;

/**
 * An escalation with what a person needs to answer it: the agent, the plan, the decision, the
 * agent's latest other decisions, and which of the plan's targets an agent created (a target not
 * listed was made by a person, as far as Governor knows).
 */
public record EscalationDetail(
    Escalation escalation,
    Agent agent,
    Plan plan,
    Decision decision,
    List<RecentDecision> history,
    List<Resource> createdByAgents) {

  public EscalationDetail {
    history = List.copyOf(history);
    createdByAgents = List.copyOf(createdByAgents);
  }

  /** One earlier decision on the same agent's plans. */
  public record RecentDecision(
      String planId, String goal, Verdict verdict, List<String> rules, Instant decidedAt) {}
}
