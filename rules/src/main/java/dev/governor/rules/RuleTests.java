package dev.governor.rules;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.RuleTestCase;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a rule set's test cases. Each case is evaluated {@link #EVALUATIONS} times: Drools compiles
 * constraints to bytecode after about 20 evaluations, and a rule that answers differently after
 * that is as broken as one that answers wrongly.
 */
public final class RuleTests {

  public static final int EVALUATIONS = 25;

  private RuleTests() {}

  public static List<RuleTestResult> run(CompiledRuleSet rules, List<RuleTestCase> cases) {
    List<RuleTestResult> results = new ArrayList<>(cases.size());
    for (RuleTestCase testCase : cases) {
      results.add(run(rules, testCase));
    }
    return results;
  }

  public static boolean allPassed(List<RuleTestResult> results) {
    return results.stream().allMatch(RuleTestResult::ok);
  }

  private static RuleTestResult run(CompiledRuleSet rules, RuleTestCase testCase) {
    Agent agent;
    Plan plan;
    ReviewContext context;
    try {
      agent =
          new Agent(
              "test-agent",
              testCase.name(),
              "rule-tests",
              Environment.fromWire(testCase.agent().environment()),
              testCase.agent().grants(),
              testCase.agent().budgets(),
              testCase.agent().labels(),
              Instant.EPOCH,
              testCase.agent().tools());
      plan =
          new Plan(
              "test-plan",
              agent.id(),
              null,
              testCase.task() == null ? null : "test-task",
              testCase.plan().goal(),
              testCase.plan().steps(),
              Instant.EPOCH);
      context = context(testCase);
    } catch (RuntimeException invalid) {
      return failed(
          testCase, null, List.of(), "the test case is not valid: " + invalid.getMessage());
    }
    List<Finding> first;
    try {
      first = rules.evaluate(agent, plan, ActionCatalogue.DEFAULTS, context);
      for (int i = 1; i < EVALUATIONS; i++) {
        if (!rules.evaluate(agent, plan, ActionCatalogue.DEFAULTS, context).equals(first)) {
          return failed(
              testCase,
              null,
              List.of(),
              "the rules answered differently at evaluation "
                  + (i + 1)
                  + " than at the first (Drools compiles constraints after about 20 evaluations)");
        }
      }
    } catch (RuntimeException e) {
      return failed(testCase, null, List.of(), "the rules failed: " + e);
    }
    Decision decision = DecisionPolicy.decide(plan, first, rules.version(), Instant.EPOCH, "test");
    List<String> fired = first.stream().map(Finding::rule).distinct().toList();
    List<String> missing =
        testCase.expect().rules().stream().filter(rule -> !fired.contains(rule)).toList();
    boolean verdictOk = decision.verdict() == testCase.expect().verdict();
    String message =
        verdictOk && missing.isEmpty()
            ? "passed"
            : (verdictOk
                    ? ""
                    : "expected " + testCase.expect().verdict() + " but got " + decision.verdict())
                + (missing.isEmpty()
                    ? ""
                    : (verdictOk ? "" : "; ") + "rules that did not fire: " + missing);
    return new RuleTestResult(
        testCase.name(),
        verdictOk && missing.isEmpty(),
        decision.verdict(),
        testCase.expect().verdict(),
        fired,
        missing,
        message);
  }

  private static ReviewContext context(RuleTestCase testCase) {
    Task task = null;
    if (testCase.task() != null) {
      String phase = testCase.task().phase();
      task =
          new Task(
              "test-task",
              "test-agent",
              null,
              testCase.plan().goal(),
              testCase.task().scope(),
              testCase.task().classification(),
              List.of(phase),
              Map.of(),
              phase,
              Instant.EPOCH,
              Instant.EPOCH);
    }
    List<Lease> leases = new ArrayList<>();
    String onConflict = "escalate";
    long token = 1;
    for (RuleTestCase.TestLease lease : testCase.leases()) {
      leases.add(
          new Lease(
              token++,
              lease.resource(),
              lease.holder(),
              "other-plan",
              "s1",
              Instant.EPOCH,
              Instant.EPOCH.plusSeconds(3600),
              null));
      onConflict = lease.onConflict();
    }
    RuleTestCase.TestAgent agent = testCase.agent();
    dev.governor.rules.model.Agent.SandboxRecord sandbox =
        new dev.governor.rules.model.Agent.SandboxRecord(
            agent.sandboxTasksCompleted() == null ? 0 : agent.sandboxTasksCompleted(),
            agent.sandboxTasksRequired() == null ? 0 : agent.sandboxTasksRequired());
    return new ReviewContext(Map.of(), task, leases, onConflict, sandbox);
  }

  private static RuleTestResult failed(
      RuleTestCase testCase, Verdict verdict, List<String> fired, String message) {
    return new RuleTestResult(
        testCase.name(),
        false,
        verdict,
        testCase.expect().verdict(),
        fired,
        testCase.expect().rules(),
        message);
  }
}
