package dev.governor.rules.model;

/**
 * A lease held now on a resource one of the plan's steps targets. {@code holder} is the agent that
 * holds it (it may be the agent under review); {@code onConflict} is what Governor is configured to
 * do with another agent's write to it: {@code escalate} or {@code deny}.
 */
public final class Lease {

  private final String resource;
  private final String holder;
  private final String planId;
  private final String stepId;
  private final long fencingToken;
  private final String expiresAt;
  private final String onConflict;

  public Lease(
      String resource,
      String holder,
      String planId,
      String stepId,
      long fencingToken,
      String expiresAt,
      String onConflict) {
    this.resource = resource;
    this.holder = holder;
    this.planId = planId;
    this.stepId = stepId;
    this.fencingToken = fencingToken;
    this.expiresAt = expiresAt;
    this.onConflict = onConflict;
  }

  public String getResource() {
    return resource;
  }

  public String getHolder() {
    return holder;
  }

  public String getPlanId() {
    return planId;
  }

  public String getStepId() {
    return stepId;
  }

  public long getFencingToken() {
    return fencingToken;
  }

  /** When the lease ends unless released sooner, as an ISO-8601 instant. */
  public String getExpiresAt() {
    return expiresAt;
  }

  public String getOnConflict() {
    return onConflict;
  }

  /** The holder, its plan, step and token, in words for a finding. */
  public String describe() {
    return resource
        + " is leased by agent "
        + holder
        + " (plan "
        + planId
        + ", step "
        + stepId
        + ", fencing token "
        + fencingToken
        + ") until "
        + expiresAt;
  }
}
