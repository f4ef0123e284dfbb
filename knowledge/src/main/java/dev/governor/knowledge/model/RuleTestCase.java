package dev.governor.knowledge.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A rule-set test: an example agent and plan, and what the rule set must answer: the plan's verdict
 * and, optionally, rules that must have fired.
 */
public record RuleTestCase(
    String name,
    TestAgent agent,
    TestPlan plan,
    Expectation expect,
    TestTask task,
    List<TestLease> leases) {

  public RuleTestCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(expect, "expect");
    leases = leases == null ? List.of() : List.copyOf(leases);
  }

  public RuleTestCase(String name, TestAgent agent, TestPlan plan, Expectation expect) {
    this(name, agent, plan, expect, null, List.of());
  }

  /** The task the example plan belongs to, if any. */
  public record TestTask(String classification, String phase, List<String> scope) {
    public TestTask {
      classification = classification == null ? "default" : classification;
      phase = phase == null ? "implement" : phase;
      scope = scope == null ? List.of() : List.copyOf(scope);
    }
  }

  /**
   * A lease held on a resource by another agent ({@code holder}, by default {@code other-agent}),
   * and what a conflicting write gets: {@code escalate} (the default) or {@code deny}.
   */
  public record TestLease(String resource, String holder, String onConflict) {
    public TestLease {
      Objects.requireNonNull(resource, "resource");
      holder = holder == null ? "other-agent" : holder;
      onConflict = onConflict == null ? "escalate" : onConflict;
    }
  }

  /** The example agent: only what rules can see. */
  public record TestAgent(
      String environment,
      List<String> grants,
      Budgets budgets,
      Map<String, String> labels,
      Map<String, EffectClass> tools,
      Integer sandboxTasksCompleted,
      Integer sandboxTasksRequired) {
    public TestAgent {
      grants = grants == null ? List.of() : List.copyOf(grants);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      tools = tools == null ? Map.of() : Map.copyOf(tools);
    }

    /** An example agent with no sandbox requirement. */
    public TestAgent(
        String environment,
        List<String> grants,
        Budgets budgets,
        Map<String, String> labels,
        Map<String, EffectClass> tools) {
      this(environment, grants, budgets, labels, tools, null, null);
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
