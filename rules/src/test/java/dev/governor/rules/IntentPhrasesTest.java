package dev.governor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Intent text through the default library, behind a harmless action name ({@code shell.exec}) and a
 * grant that covers everything: only the words can stop these plans. All phrasings go in one plan
 * per list and the plan is evaluated many times, past Drools' constraint JIT.
 */
class IntentPhrasesTest {

  static final List<String> DESTRUCTIVE =
      List.of(
          "Delete and recreate the environment",
          "tear down prod",
          "Tear it down and rebuild the staging cluster",
          "drop the users table",
          "DROP TABLE orders",
          "wipe",
          "wipe the disk and start again",
          "rm -rf /",
          "run rm -rf / to clean up",
          "force push to main",
          "git push --force origin main",
          "force-push the rewritten history",
          "git reset --hard and push -f",
          "truncate the audit table",
          "purge all customer records",
          "nuke the infra",
          "destroy the production database",
          "delete the staging environment",
          "recreate the database from scratch",
          "re-create the prod namespace",
          "terraform destroy",
          "kubectl delete namespace payments",
          "drop database analytics",
          "erase the backups",
          "delete everything in the bucket",
          "decommission the old cluster",
          "reset the production settings to defaults",
          "delete the DNS config",
          "blow away the dev environment",
          "get rid of the schema and start over",
          "Wiping the secrets store");

  static final List<String> HARMLESS =
      List.of(
          "update the README",
          "run the unit tests",
          "add a drop-down to the settings page",
          "fix the typo in the deletion guide",
          "document how environment variables are read",
          "write the production readiness checklist",
          "read the staging logs",
          "restore the deleted rows from yesterday's backup",
          "list the tables in the analytics database",
          "describe the cluster's nodes",
          "create a new branch for the feature",
          "commit the formatting changes",
          "open a pull request against main",
          "rename the config key to camelCase",
          "bump the version in the pom",
          "generate the API client",
          "add an index to speed up the orders query",
          "summarise the incident report",
          "translate the error messages",
          "format the Java sources with google-java-format",
          "check that the dropdown renders in Firefox",
          "measure the query latency on staging",
          "draft the release notes",
          "comment on the open issue",
          "search the docs for rate limits",
          "add a unit test for the parser",
          "review the terraform plan output",
          "explain why the build failed",
          "upgrade the logging library",
          "rebuild the documentation site",
          "refactor the environment loader into a class");

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
  @DisplayName(
      "At least 30 destructive phrasings are denied in production, whatever the action's name")
  void destructivePhrasingsAreCaught() {
    assertThat(DESTRUCTIVE).hasSizeGreaterThanOrEqualTo(30);
    assertThat(phrasingsWhere(DESTRUCTIVE, verdict -> verdict != Verdict.DENIED))
        .as("destructive phrasings that were not denied")
        .isEmpty();
  }

  @Test
  @DisplayName("At least 30 harmless phrasings are approved")
  void harmlessPhrasingsPass() {
    assertThat(HARMLESS).hasSizeGreaterThanOrEqualTo(30);
    assertThat(phrasingsWhere(HARMLESS, verdict -> verdict != Verdict.APPROVED))
        .as("harmless phrasings that were not approved")
        .isEmpty();
  }

  private static List<String> phrasingsWhere(List<String> intents, Predicate<Verdict> wrong) {
    List<Finding> findings = evaluate(intents);
    List<String> misjudged = new ArrayList<>();
    for (int i = 0; i < intents.size(); i++) {
      String stepId = "s" + i;
      Verdict verdict =
          findings.stream()
              .filter(f -> stepId.equals(f.stepId()))
              .map(Finding::verdict)
              .reduce(Verdict.APPROVED, Verdict::strongest);
      if (wrong.test(verdict)) {
        misjudged.add(
            intents.get(i) + " -> " + verdict + " " + IntentLexicon.signals(intents.get(i)));
      }
    }
    return misjudged;
  }

  private static List<Finding> evaluate(List<String> intents) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < intents.size(); i++) {
      steps.add(
          new Step(
              "s" + i,
              "shell.exec",
              "host:ci",
              intents.get(i),
              List.of("user"),
              List.of(),
              Map.of()));
    }
    Agent agent =
        new Agent(
            "a",
            "coder",
            "team",
            Environment.PRODUCTION,
            List.of("*:**"),
            Budgets.NONE,
            Map.of(),
            Instant.now());
    Plan plan = new Plan("p", "a", null, null, "goal", steps, Instant.now());
    List<Finding> first = rules.evaluate(agent, plan);
    for (int i = 1; i < 40; i++) {
      assertThat(rules.evaluate(agent, plan)).isEqualTo(first);
    }
    return first;
  }
}
