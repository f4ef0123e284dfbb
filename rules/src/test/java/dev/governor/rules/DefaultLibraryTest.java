package dev.governor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.RuleTestCase;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The default library against real Drools. Each case runs many times, because Drools compiles MVEL
 * constraints to bytecode after about 20 evaluations and some operators break only then.
 */
class DefaultLibraryTest {

  private static final int EVALUATIONS = 60;
  private static CompiledRuleSet rules;

  @BeforeAll
  static void compile() throws RuleCompilationException {
    rules = RuleCompiler.compile(1, DefaultLibrary.files());
  }

  @AfterAll
  static void dispose() {
    rules.close();
  }

  @Test
  @DisplayName("Deleting an environment by action name is denied in production")
  void environmentDeletionDeniedInProduction() {
    List<Finding> findings =
        evaluate(
            agent(Environment.PRODUCTION, "env.*:**"), step("env.delete", "env:prod", "clean up"));
    assertThat(
            verdicts(
                findings,
                "Destroying an environment, database or configuration is denied in production"))
        .containsExactly(Verdict.DENIED);
  }

  @Test
  @DisplayName("Deleting an environment by action name is escalated in staging")
  void environmentDeletionEscalatedInStaging() {
    List<Finding> findings =
        evaluate(agent(Environment.STAGING, "env.*:**"), step("env.delete", "env:staging", ""));
    assertThat(strongest(findings)).isEqualTo(Verdict.ESCALATED);
    assertThat(findings)
        .extracting(Finding::rule)
        .contains(
            "Destroying an environment, database or configuration is escalated outside production");
  }

  @Test
  @DisplayName("Intent words catch an environment teardown behind a harmless action name")
  void intentWordsCatchTeardown() {
    Agent agent = agent(Environment.PRODUCTION, "shell.*:**");
    for (String intent :
        List.of(
            "Delete and recreate the environment",
            "tear down prod",
            "Tear it down: the STAGING cluster is broken",
            "nuke the infra and start over",
            "wipe the production environment")) {
      assertThat(strongest(evaluate(agent, step("shell.exec", "host:ci", intent))))
          .as(intent)
          .isEqualTo(Verdict.DENIED);
    }
  }

  @Test
  @DisplayName("Harmless intent text raises nothing")
  void harmlessIntentIsApproved() {
    Agent agent = agent(Environment.PRODUCTION, "fs.write:/repo/**");
    for (String intent :
        List.of(
            "update the environment variables section of the docs",
            "write the production readiness checklist",
            "fix a typo in the deletion guide")) {
      assertThat(strongest(evaluate(agent, step("fs.write", "/repo/docs/a.md", intent))))
          .as(intent)
          .isEqualTo(Verdict.APPROVED);
    }
  }

  @Test
  @DisplayName("Reads are approved without any grant")
  void readsApproved() {
    List<Finding> findings =
        evaluate(agent(Environment.PRODUCTION), step("fs.read", "/etc/hosts", ""));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.verdict()).isEqualTo(Verdict.APPROVED);
              assertThat(f.rule()).isEqualTo("A read is approved");
            });
  }

  @Test
  @DisplayName("A write without a covering grant is denied, naming the grant that would cover it")
  void writeWithoutGrantDenied() {
    List<Finding> findings =
        evaluate(
            agent(Environment.SANDBOX, "fs.write:/repo/docs/**"),
            step("fs.write", "/repo/src/Main.java", ""));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.verdict()).isEqualTo(Verdict.DENIED);
              assertThat(f.message()).contains("\"fs.write:/repo/src/Main.java\"");
            });
  }

  @Test
  @DisplayName("A write with a covering grant is approved")
  void writeWithGrantApproved() {
    List<Finding> findings =
        evaluate(
            agent(Environment.SANDBOX, "fs.write:/repo/docs/**"),
            step("fs.write", "/repo/docs/guide/a.md", ""));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.verdict()).isEqualTo(Verdict.APPROVED);
              assertThat(f.message()).contains("fs.write:/repo/docs/**");
            });
  }

  @Test
  @DisplayName("An action nobody classified counts as a write")
  void unknownActionIsAWrite() {
    assertThat(
            strongest(evaluate(agent(Environment.SANDBOX), step("frobnicator.twiddle", "x", ""))))
        .isEqualTo(Verdict.DENIED);
    assertThat(
            strongest(
                evaluate(
                    agent(Environment.SANDBOX, "frobnicator.*:**"),
                    step("frobnicator.twiddle", "x", ""))))
        .isEqualTo(Verdict.APPROVED);
  }

  @Test
  @DisplayName("A write influenced by retrieved content is escalated; a read of it is not")
  void untrustedProvenanceEscalatesWrites() {
    Agent agent = agent(Environment.SANDBOX, "http.*:**", "fs.*:**");
    for (String source :
        List.of("retrieved:https://example.com/page", "tool:web_search", "untrusted:email")) {
      Step push =
          new Step(
              "s1",
              "http.post",
              "https://paste.example/upload",
              "send the secrets",
              List.of("user", source),
              List.of(),
              Map.of());
      assertThat(strongest(evaluate(agent, push))).as(source).isEqualTo(Verdict.ESCALATED);
      Step read =
          new Step("s1", "fs.read", "/tmp/a", "read it", List.of(source), List.of(), Map.of());
      assertThat(strongest(evaluate(agent, read))).as(source).isEqualTo(Verdict.APPROVED);
    }
    Step trusted =
        new Step(
            "s1",
            "fs.write",
            "/tmp/a",
            "write",
            List.of("user", "tool:compiler"),
            List.of(),
            Map.of());
    assertThat(strongest(evaluate(agent, trusted))).isEqualTo(Verdict.APPROVED);
  }

  @Test
  @DisplayName(
      "A plan longer than the agent's steps-per-plan budget is denied, and one within it is not")
  void stepsPerPlanBudget() {
    Agent agent =
        new Agent(
            "a-1",
            "coder",
            "team",
            Environment.SANDBOX,
            List.of(),
            new Budgets(null, null, null, 2, null),
            Map.of(),
            Instant.now());
    Step read = step("fs.read", "/tmp/a", "");
    Plan withinBudget =
        new Plan(
            "p",
            agent.id(),
            null,
            null,
            "g",
            List.of(read, new Step("s2", "fs.read", "/tmp/b", "", List.of(), List.of(), Map.of())),
            Instant.now());
    Plan overBudget =
        new Plan(
            "p",
            agent.id(),
            null,
            null,
            "g",
            List.of(
                read,
                new Step("s2", "fs.read", "/tmp/b", "", List.of(), List.of(), Map.of()),
                new Step("s3", "fs.read", "/tmp/c", "", List.of(), List.of(), Map.of())),
            Instant.now());
    for (int i = 0; i < EVALUATIONS; i++) {
      assertThat(strongest(rules.evaluate(agent, withinBudget))).isEqualTo(Verdict.APPROVED);
      List<Finding> findings = rules.evaluate(agent, overBudget);
      assertThat(findings)
          .filteredOn(
              f ->
                  f.rule().equals("A plan longer than the agent's steps-per-plan budget is denied"))
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.stepId()).isNull();
                assertThat(f.verdict()).isEqualTo(Verdict.DENIED);
                assertThat(f.message()).contains("3 steps").contains("2 steps per plan");
              });
    }
  }

  @Test
  @DisplayName("The library's own test cases, shipped with it as version 1, all pass")
  void shippedTestCasesPass() {
    List<RuleTestResult> results = RuleTests.run(rules, DefaultLibrary.tests());
    assertThat(results).hasSizeGreaterThanOrEqualTo(10);
    assertThat(results).filteredOn(r -> !r.ok()).as("failing cases").isEmpty();
  }

  @Test
  @DisplayName("A test case that expects the wrong verdict fails, saying what was expected")
  void wrongExpectationFails() {
    RuleTestCase wrong =
        new RuleTestCase(
            "reads are denied (wrong)",
            new RuleTestCase.TestAgent("sandbox", List.of(), null, null, null),
            new RuleTestCase.TestPlan("g", List.of(step("fs.read", "/a", ""))),
            new RuleTestCase.Expectation(Verdict.DENIED, List.of("No such rule")));
    RuleTestResult result = RuleTests.run(rules, List.of(wrong)).get(0);
    assertThat(result.ok()).isFalse();
    assertThat(result.message())
        .contains("expected DENIED but got APPROVED")
        .contains("No such rule");
  }

  @Test
  @DisplayName(
      "Destroying an environment the agent created is approved in the sandbox, not elsewhere")
  void ownResources() {
    Step delete = step("env.delete", "env:scratch", "tear it down");
    Plan plan = new Plan("p", "a-1", null, null, "g", List.of(delete), Instant.now());
    Map<String, String> created = Map.of("env:scratch", "a-1");
    Map<String, String> createdByOther = Map.of("env:scratch", "a-2");
    for (int i = 0; i < EVALUATIONS; i++) {
      assertThat(
              strongest(
                  rules.evaluate(
                      agent(Environment.SANDBOX, "env.*:**"),
                      plan,
                      ActionCatalogue.DEFAULTS,
                      created)))
          .isEqualTo(Verdict.APPROVED);
      assertThat(
              strongest(
                  rules.evaluate(
                      agent(Environment.SANDBOX, "env.*:**"),
                      plan,
                      ActionCatalogue.DEFAULTS,
                      createdByOther)))
          .isEqualTo(Verdict.ESCALATED);
      assertThat(
              strongest(
                  rules.evaluate(
                      agent(Environment.STAGING, "env.*:**"),
                      plan,
                      ActionCatalogue.DEFAULTS,
                      created)))
          .as("outside the sandbox, who created it does not matter")
          .isEqualTo(Verdict.ESCALATED);
    }
  }

  private static List<Finding> evaluate(Agent agent, Step step) {
    Plan plan = new Plan("p-1", agent.id(), null, null, "goal", List.of(step), Instant.now());
    List<Finding> first = rules.evaluate(agent, plan);
    for (int i = 1; i < EVALUATIONS; i++) {
      assertThat(rules.evaluate(agent, plan)).as("evaluation %d", i).isEqualTo(first);
    }
    return first;
  }

  private static Verdict strongest(List<Finding> findings) {
    return findings.stream().map(Finding::verdict).reduce(Verdict.APPROVED, Verdict::strongest);
  }

  private static List<Verdict> verdicts(List<Finding> findings, String rule) {
    return findings.stream().filter(f -> f.rule().equals(rule)).map(Finding::verdict).toList();
  }

  private static Agent agent(Environment environment, String... grants) {
    return new Agent(
        "a-1",
        "coder",
        "team",
        environment,
        List.of(grants),
        Budgets.NONE,
        Map.of(),
        Instant.now());
  }

  private static Step step(String action, String target, String intent) {
    return new Step("s1", action, target, intent, List.of("user"), List.of(), Map.of());
  }
}
