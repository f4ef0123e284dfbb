package dev.governor.knowledge.model;

/** An escalation with what a person needs to answer it: the agent, the plan and the decision. */
public record EscalationDetail(Escalation escalation, Agent agent, Plan plan, Decision decision) {}
