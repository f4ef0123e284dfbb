package dev.governor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One compiled rule set evaluated from many threads at once (the event loop, backtests and rule
 * tests on workers): every call must get the findings of its own plan and nothing of another's.
 */
class ConcurrentEvaluationTest {

  private static final int THREADS = 8;
  private static final int EVALUATIONS_PER_THREAD = 2_000;

  @Test
  void eachConcurrentEvaluationGetsTheFindingsOfItsOwnPlan() throws Exception {
    Agent agent =
        new Agent(
            "a-1",
            "coder",
            "team",
            Environment.PRODUCTION,
            List.of("fs.write:/repo/**"),
            Budgets.NONE,
            Map.of(),
            Instant.EPOCH);
    Plan deletion = plan("p-delete", step("s1", "env.delete", "env:prod", "tear down prod"));
    Plan read = plan("p-read", step("s1", "fs.read", "/repo/README.md", "read the docs"));
    Plan write = plan("p-write", step("s1", "fs.write", "/repo/docs/a.md", "document the flag"));
    List<Plan> plans = List.of(deletion, read, write);
    try (CompiledRuleSet rules = RuleCompiler.compile(1, DefaultLibrary.files())) {
      List<List<Finding>> expected = new ArrayList<>();
      for (Plan plan : plans) {
        expected.add(rules.evaluate(agent, plan));
      }
      assertThat(expected).allSatisfy(findings -> assertThat(findings).isNotEmpty());
      assertThat(expected).doesNotHaveDuplicates();

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int offset = t;
          workers.add(
              pool.submit(
                  () -> {
                    int checked = 0;
                    for (int i = 0; i < EVALUATIONS_PER_THREAD; i++) {
                      int which = (i + offset) % plans.size();
                      assertThat(rules.evaluate(agent, plans.get(which)))
                          .isEqualTo(expected.get(which));
                      checked++;
                    }
                    return checked;
                  }));
        }
        int checked = 0;
        for (Future<Integer> worker : workers) {
          checked += worker.get(2, TimeUnit.MINUTES);
        }
        assertThat(checked).isEqualTo(THREADS * EVALUATIONS_PER_THREAD);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static Step step(String id, String action, String target, String intent) {
    return new Step(id, action, target, intent, List.of("user"), List.of(), Map.of());
  }

  private static Plan plan(String id, Step step) {
    return new Plan(id, "a-1", null, null, "goal", List.of(step), Instant.EPOCH);
  }
}
