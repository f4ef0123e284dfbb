package dev.governor.monitor;

import dev.governor.knowledge.Json;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.bus.BusFailure;
import dev.governor.knowledge.bus.Messages.StepReportSubmission;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Resource;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.StepReport;
import dev.governor.knowledge.model.StepState;
import dev.governor.knowledge.model.StepVerdict;
import dev.governor.knowledge.model.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    boolean abandoningEscalated =
        verdict == Verdict.ESCALATED && "abandoned".equalsIgnoreCase(submission.status());
    if (verdict != Verdict.APPROVED && !abandoningEscalated) {
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

  /**
   * The resource a succeeded create step brought into being, or null. Evidence that failed means it
   * did not succeed; a report with no evidence at all is taken at its word here.
   */
  static Resource created(Plan plan, StepReport report) {
    if (report.status() != StepReport.StepStatus.SUCCEEDED
        || !report.checks().stream().allMatch(EvidenceCheck::ok)) {
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

  static StepReport.StepStatus status(StepReportSubmission submission) {
    return StepReport.StepStatus.valueOf(submission.status().toUpperCase(Locale.ROOT));
  }

  static List<Evidence> evidence(StepReportSubmission submission) {
    return submission.evidence() == null ? List.of() : submission.evidence();
  }

  /** What the report is, whatever its envelope says: the same report hashes the same. */
  static String contentHash(StepReportSubmission submission) {
    return Secrets.sha256Hex(
        Json.canonical(
            List.of(
                submission.planId(),
                submission.stepId(),
                submission.status().toLowerCase(Locale.ROOT),
                submission.result() == null ? Map.of() : submission.result(),
                evidence(submission))));
  }

  /**
   * A succeeded step is complete only with evidence, all of which passed its verifiers (and none of
   * whose reporters said stop); otherwise it is incomplete, whatever the agent claims.
   */
  static StepState state(StepReport.StepStatus status, List<EvidenceCheck> checks) {
    return switch (status) {
      case FAILED -> StepState.FAILED;
      case ABANDONED -> StepState.ABANDONED;
      case SUCCEEDED ->
          !checks.isEmpty() && checks.stream().allMatch(EvidenceCheck::ok)
              ? StepState.COMPLETED
              : StepState.INCOMPLETE;
    };
  }

  static StepReport report(
      StepReportSubmission submission, Instant at, List<EvidenceCheck> checks) {
    StepReport.StepStatus status = status(submission);
    return new StepReport(
        submission.planId(),
        submission.stepId(),
        submission.agent().id(),
        status,
        submission.result(),
        at,
        submission.idempotencyKey(),
        evidence(submission),
        checks,
        state(status, checks));
  }
}
