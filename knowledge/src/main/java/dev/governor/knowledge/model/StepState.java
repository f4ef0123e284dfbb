package dev.governor.knowledge.model;

/** Where a step of a task's execution graph stands. */
public enum StepState {
  /** The plan is still under review. */
  REVIEWING,
  /** Escalated; waits for a person. */
  WAITING,
  /** Approved and not yet reported: still to run. */
  PENDING,
  /** Reported succeeded with evidence that passed every verifier. */
  COMPLETED,
  /** Reported succeeded, but with no evidence, failed evidence, or a reporter that said stop. */
  INCOMPLETE,
  /** Reported failed. */
  FAILED,
  /** Denied: a path not taken. */
  DENIED,
  /** Given up by the agent: a path not taken. */
  ABANDONED;

  /** True for states that still need the step to run. */
  public boolean toRun() {
    return this == PENDING || this == INCOMPLETE || this == FAILED;
  }
}
