package dev.governor.monitor;

import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import dev.governor.knowledge.model.GraphStep;
import dev.governor.knowledge.model.PhaseExit;
import dev.governor.knowledge.model.StepState;
import dev.governor.knowledge.model.TaskGraph;
import dev.governor.knowledge.model.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a phase's exit condition still lacks, given the task's graph and the evidence offered. */
final class Gates {

  private Gates() {}

  /**
   * Every unmet part of the exit condition, in words; empty when the task may move on. A step whose
   * evidence failed, and any failed envelope offered now, always block.
   */
  static List<String> missing(
      PhaseExit exit, TaskGraph graph, List<Evidence> offered, List<EvidenceCheck> checks) {
    List<String> missing = new ArrayList<>();
    for (EvidenceCheck check : checks) {
      if (!check.ok()) {
        missing.add("evidence " + check.kind() + " failed: " + check.message());
      }
    }
    for (GraphStep step : graph.steps()) {
      if (step.state() == StepState.INCOMPLETE) {
        missing.add(
            "step "
                + step.stepId()
                + " of plan "
                + step.planId()
                + " is not complete: "
                + reasons(step));
      }
    }
    if (exit.approvedPlan() && !hasApprovedPlan(graph)) {
      missing.add("an approved plan in this task");
    }
    if (exit.stepsComplete()) {
      boolean anyCompleted = false;
      for (GraphStep step : graph.steps()) {
        anyCompleted |= step.state() == StepState.COMPLETED;
        if (step.state() == StepState.PENDING
            || step.state() == StepState.WAITING
            || step.state() == StepState.REVIEWING
            || step.state() == StepState.FAILED) {
          missing.add(
              "step " + step.stepId() + " of plan " + step.planId() + " is " + step.state());
        }
      }
      if (!anyCompleted) {
        missing.add("at least one completed step with verified evidence");
      }
    }
    for (String kind : exit.evidence()) {
      if (!satisfied(kind, graph, offered, checks)) {
        missing.add("evidence of kind " + kind + " that passes its verifier");
      }
    }
    return missing;
  }

  private static boolean satisfied(
      String kind, TaskGraph graph, List<Evidence> offered, List<EvidenceCheck> checks) {
    for (int i = 0; i < offered.size(); i++) {
      if (offered.get(i).kind().equals(kind) && checks.get(i).ok()) {
        return true;
      }
    }
    return graph.steps().stream()
        .filter(step -> step.state() == StepState.COMPLETED)
        .flatMap(step -> step.checks().stream())
        .anyMatch(check -> check.kind().equals(kind) && check.ok());
  }

  private static boolean hasApprovedPlan(TaskGraph graph) {
    Map<String, List<GraphStep>> byPlan = new LinkedHashMap<>();
    graph.steps().forEach(s -> byPlan.computeIfAbsent(s.planId(), k -> new ArrayList<>()).add(s));
    return byPlan.values().stream()
        .anyMatch(steps -> steps.stream().allMatch(s -> s.verdict() == Verdict.APPROVED));
  }

  private static String reasons(GraphStep step) {
    List<EvidenceCheck> failed = step.checks().stream().filter(c -> !c.ok()).toList();
    return failed.isEmpty()
        ? "it was reported succeeded with no evidence"
        : failed.stream().map(c -> c.kind() + ": " + c.message()).collect(Collectors.joining("; "));
  }
}
