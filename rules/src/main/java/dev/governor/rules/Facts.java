package dev.governor.rules;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.ResourcePatterns;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a plan and its agent into the immutable facts rules match. */
public final class Facts {

  private Facts() {}

  /** Who created what: the agent id that created each target; any other target is a person's. */
  public static final String HUMAN = "human";

  public static List<Object> of(
      Agent agent, Plan plan, ActionCatalogue catalogue, Map<String, String> creators) {
    return of(agent, plan, catalogue, ReviewContext.of(creators));
  }

  /**
   * The facts of a review: the agent, the plan, its steps, the plan's task if any, and the leases
   * held now on the resources its steps target.
   */
  public static List<Object> of(
      Agent agent, Plan plan, ActionCatalogue catalogue, ReviewContext context) {
    Map<String, String> creators = context.creators();
    Task task = context.task();
    List<Object> facts = new ArrayList<>(plan.steps().size() + 3);
    if (task != null) {
      facts.add(
          new dev.governor.rules.model.Task(
              task.id(), task.classification(), task.phase(), task.scope()));
    }
    Set<String> targets = new HashSet<>();
    plan.steps().forEach(step -> targets.add(step.target()));
    for (Lease lease : context.leases()) {
      if (targets.contains(lease.resource())) {
        facts.add(
            new dev.governor.rules.model.Lease(
                lease.resource(),
                lease.agentId(),
                lease.planId(),
                lease.stepId(),
                lease.fencingToken(),
                lease.expiresAt().toString(),
                context.leaseConflict()));
      }
    }
    facts.add(
        new dev.governor.rules.model.Agent(
            agent.id(),
            agent.name(),
            agent.owner(),
            agent.environment().wireName(),
            agent.grants(),
            agent.labels(),
            agent.budgets().maxStepsPerPlan(),
            agent.budgets().maxActionDepth(),
            context.sandboxRecord()));
    // Whether the agent created a step's target is a fact about the pair, so it sits on the step.
    facts.add(
        new dev.governor.rules.model.Plan(
            plan.id(), plan.agentId(), plan.taskId(), plan.goal(), plan.steps().size()));
    int index = 0;
    for (Step step : plan.steps()) {
      facts.add(
          new dev.governor.rules.model.Step(
              plan.id(),
              step.id(),
              index++,
              step.action(),
              ActionCatalogue.namespace(step.action()),
              ActionCatalogue.verb(step.action()),
              catalogue.effectOf(step.action(), agent.tools()),
              ActionCatalogue.resourceKindOf(step.action(), step.target()),
              step.target(),
              step.intent(),
              IntentLexicon.signals(step.intent()),
              step.provenance(),
              step.dependsOn(),
              Grants.covering(agent.grants(), step.action(), step.target()),
              creators.getOrDefault(step.target(), HUMAN),
              task == null ? null : ResourcePatterns.covering(task.scope(), step.target())));
    }
    return facts;
  }
}
