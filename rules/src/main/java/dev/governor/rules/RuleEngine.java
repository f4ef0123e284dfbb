package dev.governor.rules;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The active rule set. A swap publishes a fully built rule set through one reference write, so a
 * review sees either the old version or the new one, never half of either.
 */
public final class RuleEngine implements AutoCloseable {

  /** The findings of one evaluation and the version that produced them. */
  public record Evaluation(List<Finding> findings, int ruleSetVersion) {}

  private final AtomicReference<CompiledRuleSet> active = new AtomicReference<>();

  public RuleEngine(CompiledRuleSet initial) {
    active.set(initial);
  }

  public Evaluation evaluate(
      Agent agent, Plan plan, ActionCatalogue catalogue, Map<String, String> creators) {
    CompiledRuleSet rules = active.get();
    return new Evaluation(rules.evaluate(agent, plan, catalogue, creators), rules.version());
  }

  public Evaluation evaluate(
      Agent agent, Plan plan, ActionCatalogue catalogue, ReviewContext context) {
    CompiledRuleSet rules = active.get();
    return new Evaluation(rules.evaluate(agent, plan, catalogue, context), rules.version());
  }

  public int activeVersion() {
    return active.get().version();
  }

  /**
   * Makes a built rule set the active one. The one it replaces is not disposed: reviews already
   * running may still be evaluating it, and it is garbage once they finish.
   */
  public void activate(CompiledRuleSet next) {
    active.set(next);
  }

  @Override
  public void close() {
    CompiledRuleSet last = active.getAndSet(null);
    if (last != null) {
      last.close();
    }
  }
}
