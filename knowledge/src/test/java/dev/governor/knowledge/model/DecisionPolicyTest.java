package dev.governor.knowledge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DecisionPolicyTest {

  private static final Plan PLAN =
      new Plan(
          "p", "a", null, null, "goal", List.of(step("s1"), step("s2"), step("s3")), Instant.EPOCH);

  @Test
  @DisplayName("Deny beats escalate beats approve, per step and for the plan")
  void denyBeatsEscalateBeatsApprove() {
    Decision decision =
        decide(
            approve("s1"),
            escalate("s1"),
            approve("s2"),
            escalate("s2"),
            deny("s2"),
            approve("s3"));

    assertThat(decision.steps())
        .containsExactly(
            new StepVerdict("s1", Verdict.ESCALATED),
            new StepVerdict("s2", Verdict.DENIED),
            new StepVerdict("s3", Verdict.APPROVED));
    assertThat(decision.verdict()).isEqualTo(Verdict.DENIED);
    assertThat(decision.escalationId()).isNull();
  }

  @Test
  @DisplayName("A step no rule approved is escalated, with a finding that says so")
  void silenceIsNotApproval() {
    Decision decision = decide(approve("s1"), approve("s2"));

    assertThat(decision.verdict()).isEqualTo(Verdict.ESCALATED);
    assertThat(decision.escalationId()).isEqualTo("esc");
    assertThat(decision.findings())
        .filteredOn(f -> f.rule().equals(DecisionPolicy.UNAPPROVED_STEP))
        .singleElement()
        .satisfies(f -> assertThat(f.stepId()).isEqualTo("s3"));
  }

  @Test
  @DisplayName("A finding about no step in particular applies to every step")
  void planWideFinding() {
    Decision decision =
        decide(
            approve("s1"),
            approve("s2"),
            approve("s3"),
            new Finding("Analysis failed", Severity.CRITICAL, null, "boom", Verdict.DENIED));

    assertThat(decision.steps()).extracting(StepVerdict::verdict).containsOnly(Verdict.DENIED);
  }

  @Test
  @DisplayName("The escalation's severity is that of the strongest escalating finding")
  void escalationSeverity() {
    Decision decision = decide(approve("s1"), approve("s2"), escalate("s3"));

    assertThat(DecisionPolicy.escalationSeverity(decision)).isEqualTo(Severity.HIGH);
  }

  private static Decision decide(Finding... findings) {
    return DecisionPolicy.decide(PLAN, List.of(findings), 7, Instant.EPOCH, "esc");
  }

  private static Finding approve(String step) {
    return new Finding("ok", Severity.INFO, step, "fine", Verdict.APPROVED);
  }

  private static Finding escalate(String step) {
    return new Finding("ask", Severity.HIGH, step, "ask a person", Verdict.ESCALATED);
  }

  private static Finding deny(String step) {
    return new Finding("no", Severity.CRITICAL, step, "never", Verdict.DENIED);
  }

  private static Step step(String id) {
    return new Step(id, "fs.read", "/x", "", List.of(), List.of(), Map.of());
  }
}
