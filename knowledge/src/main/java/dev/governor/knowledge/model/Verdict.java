package dev.governor.knowledge.model;

/**
 * What Governor answers for a step or a plan. When several apply, {@link #strongest} decides: deny
 * beats escalate beats approve.
 */
public enum Verdict {
  APPROVED,
  ESCALATED,
  DENIED;

  public static Verdict strongest(Verdict a, Verdict b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
