package dev.governor.rules;

import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Task;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeStore.ReviewRecord;
import dev.governor.rules.model.Agent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Replays recorded plans through a candidate rule set and reports the decisions it would change. It
 * compares rules with rules: the verdict the rules gave when the plan was reviewed, not what a
 * person later made of an escalation. Nothing is written.
 */
public final class Backtest {

  /**
   * A plan the candidate would decide differently, and the rules that made the difference; the
   * agent and the goal say what the plan was, without a second look-up.
   */
  public record Change(
      String planId,
      Verdict oldVerdict,
      Verdict newVerdict,
      List<String> rules,
      String agentId,
      String agentName,
      String goal) {}

  /** How many plans were replayed, and which decisions would change. */
  public record Result(int plans, List<Change> changed) {}

  private Backtest() {}

  /**
   * What a past review saw beyond its plan, looked up again for its replay: the plan's task (by
   * id), the leases held on its targets when it arrived, and its agent's sandbox record at that
   * time; judged by the same lease-conflict setting as live reviews ({@code escalate} or {@code
   * deny}; null is escalate).
   */
  public record Replay(
      Function<String, Task> tasks,
      Function<Plan, List<Lease>> leasesHeld,
      Function<ReviewRecord, Agent.SandboxRecord> sandboxRecord,
      String leaseConflict) {

    /** Replays a plan as if it were alone in the world: no task, no leases, no sandbox rule. */
    public static final Replay PLAN_ONLY =
        new Replay(
            taskId -> null, plan -> List.of(), review -> Agent.SandboxRecord.NOT_REQUIRED, null);
  }

  public static Result run(
      CompiledRuleSet candidate,
      List<ReviewRecord> history,
      ActionCatalogue catalogue,
      Map<String, String> creators) {
    return run(candidate, history, catalogue, creators, Replay.PLAN_ONLY);
  }

  /** Replays each plan of the history through the candidate with what its review saw. */
  public static Result run(
      CompiledRuleSet candidate,
      List<ReviewRecord> history,
      ActionCatalogue catalogue,
      Map<String, String> creators,
      Replay replay) {
    List<Change> changed = new ArrayList<>();
    for (ReviewRecord review : history) {
      Task task =
          review.plan().taskId() == null ? null : replay.tasks().apply(review.plan().taskId());
      List<Finding> findings =
          candidate.evaluate(
              review.agent(),
              review.plan(),
              catalogue,
              new ReviewContext(
                  creators,
                  task,
                  replay.leasesHeld().apply(review.plan()),
                  replay.leaseConflict(),
                  replay.sandboxRecord().apply(review)));
      Decision replayed =
          DecisionPolicy.decide(
              review.plan(),
              findings,
              candidate.version(),
              review.decision().decidedAt(),
              "backtest");
      if (replayed.verdict() != review.rulesVerdict()) {
        changed.add(
            new Change(
                review.plan().id(),
                review.rulesVerdict(),
                replayed.verdict(),
                difference(decisive(review.decision().findings()), decisive(replayed.findings())),
                review.agent().id(),
                review.agent().name(),
                review.plan().goal()));
      }
    }
    return new Result(history.size(), changed);
  }

  /** The rules that asked for more than approval: those are the ones that decide. */
  private static Set<String> decisive(List<Finding> findings) {
    return findings.stream()
        .filter(f -> f.verdict() != Verdict.APPROVED)
        .map(Finding::rule)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static List<String> difference(Set<String> before, Set<String> after) {
    Set<String> symmetric = new LinkedHashSet<>();
    after.stream().filter(rule -> !before.contains(rule)).forEach(symmetric::add);
    before.stream().filter(rule -> !after.contains(rule)).forEach(symmetric::add);
    return List.copyOf(symmetric);
  }
}
