package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How findings become verdicts, in a fixed order:
 *
 * <ol>
 *   <li>a step's verdict is the strongest its findings ask for: deny beats escalate beats approve;
 *   <li>a step that no rule approved is escalated, with a finding that says so: nothing is approved
 *       by silence;
 *   <li>a finding about no step in particular applies to every step;
 *   <li>the plan's verdict is the strongest of its steps' verdicts.
 * </ol>
 */
public final class DecisionPolicy {

  public static final String UNAPPROVED_STEP = "A step no rule approved is escalated";

  private DecisionPolicy() {}

  public static Decision decide(
      Plan plan, List<Finding> ruleFindings, int ruleSetVersion, Instant now, String escalationId) {
    List<Finding> findings = new ArrayList<>(ruleFindings);
    Map<String, Verdict> verdicts = new HashMap<>();
    Verdict planWide = null;
    for (Finding finding : ruleFindings) {
      if (finding.stepId() == null) {
        planWide =
            planWide == null ? finding.verdict() : Verdict.strongest(planWide, finding.verdict());
      } else {
        verdicts.merge(finding.stepId(), finding.verdict(), Verdict::strongest);
      }
    }
    List<StepVerdict> steps = new ArrayList<>(plan.steps().size());
    Verdict planVerdict = Verdict.APPROVED;
    for (Step step : plan.steps()) {
      Verdict verdict = verdicts.get(step.id());
      if (planWide != null) {
        verdict = verdict == null ? planWide : Verdict.strongest(verdict, planWide);
      }
      if (verdict == null) {
        verdict = Verdict.ESCALATED;
        findings.add(
            new Finding(
                UNAPPROVED_STEP,
                Severity.MEDIUM,
                step.id(),
                "no rule approved " + step.action() + " on " + step.target(),
                Verdict.ESCALATED));
      }
      steps.add(new StepVerdict(step.id(), verdict));
      planVerdict = Verdict.strongest(planVerdict, verdict);
    }
    return new Decision(
        plan.id(),
        plan.agentId(),
        planVerdict,
        steps,
        findings,
        ruleSetVersion,
        Decision.BY_RULES,
        null,
        planVerdict == Verdict.ESCALATED ? escalationId : null,
        0,
        now);
  }

  /** The severity of the strongest escalating finding: it sets the escalation's deadline. */
  public static Severity escalationSeverity(Decision decision) {
    return decision.findings().stream()
        .filter(finding -> finding.verdict() == Verdict.ESCALATED)
        .map(Finding::severity)
        .max(Comparator.naturalOrder())
        .orElse(Severity.MEDIUM);
  }
}
