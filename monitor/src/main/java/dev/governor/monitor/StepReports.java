package dev.governor.monitor;

import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.StepReportSubmission;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Checks a step report against what was approved, and sees whether it created a resource. */
final class StepReports {

  /** Verbs whose successful step brings a resource into being. */
  private static final Set<String> CREATING_VERBS =
      Set.of("create", "provision", "new", "init", "clone", "fork", "launch", "spawn", "setup");

  private StepReports() {}

  /** What is wrong with the report, given the plan and its decision as recorded. */
  static Optional<Problem> problem(
      StepReportSubmission submission, Optional<Plan> plan, Optional<Decision> decision) {
    if (plan.isEmpty()) {
      return Optional.of(
          new Problem(BusFailure.NOT_FOUND, "unknown_plan", "no plan " + submission.planId()));
    }
    if (!plan.get().agentId().equals(submission.agent().id())) {
      return Optional.of(
          new Problem(BusFailure.FORBIDDEN, "forbidden", "an agent reports its own steps only"));
    }
    if (step(plan.get(), submission.stepId()).isEmpty()) {
      return Optional.of(
          new Problem(
              BusFailure.NOT_FOUND,
              "unknown_step",
              "plan " + submission.planId() + " has no step " + submission.stepId()));
    }
    Verdict verdict =
        decision
            .flatMap(
                d -> d.steps().stream().filter(s -> s.id().equals(submission.stepId())).findFirst())
            .map(StepVerdict::verdict)
            .orElse(null);
    if (verdict != Verdict.APPROVED) {
      return Optional.of(
          new Problem(
              BusFailure.CONFLICT,
              "not_approved",
              "step "
                  + submission.stepId()
                  + " is "
                  + (verdict == null ? "not decided" : verdict)
                  + "; only approved steps are carried out and reported"));
    }
    return Optional.empty();
  }

  static Optional<Step> step(Plan plan, String stepId) {
    return plan.steps().stream().filter(s -> s.id().equals(stepId)).findFirst();
  }

  /** The resource a succeeded create step brought into being, or null. */
  static Resource created(Plan plan, StepReport report) {
    if (report.status() != StepReport.StepStatus.SUCCEEDED) {
      return null;
    }
    Step step = step(plan, report.stepId()).orElseThrow();
    int dot = step.action().lastIndexOf('.');
    String verb = step.action().substring(dot + 1).toLowerCase(Locale.ROOT);
    if (!CREATING_VERBS.contains(verb) || step.target().isBlank()) {
      return null;
    }
    return new Resource(
        step.target(),
        step.action().substring(0, Math.max(dot, 0)),
        report.agentId(),
        plan.id(),
        step.id(),
        report.reportedAt());
  }

  static StepReport report(StepReportSubmission submission, Instant at) {
    return new StepReport(
        submission.planId(),
        submission.stepId(),
        submission.agent().id(),
        StepReport.StepStatus.valueOf(submission.status().toUpperCase(Locale.ROOT)),
        submission.result(),
        at);
  }
}
