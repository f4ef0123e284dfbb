package dev.governor.knowledge.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rule-set test: an example agent and plan, and what the rule set must answer: the plan's verdict
 * and, optionally, rules that must have fired.
 */
public record RuleTestCase(String name, TestAgent agent, TestPlan plan, Expectation expect) {

  public RuleTestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(expect, "expect");
  }

  /** The example agent: only what rules can see. */
  public record TestAgent(
      String environment,
      List<String> grants,
      Budgets budgets,
      Map<String, String> labels,
      Map<String, EffectClass> tools) {
    public TestAgent {
      grants = grants == null ? List.of() : List.copyOf(grants);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      tools = tools == null ? Map.of() : Map.copyOf(tools);
    }
  }

  /** The example plan. */
  public record TestPlan(String goal, List<Step> steps) {
    public TestPlan {
      steps = List.copyOf(steps);
    }
  }

  /** The plan's expected verdict, and rules that must be among those that fired. */
  public record Expectation(Verdict verdict, List<String> rules) {
    public Expectation {
      Objects.requireNonNull(verdict, "verdict");
      rules = rules == null ? List.of() : List.copyOf(rules);
    }
  }
}
