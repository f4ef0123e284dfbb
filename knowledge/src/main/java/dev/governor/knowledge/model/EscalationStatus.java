package dev.governor.knowledge.model;

/** The life of an escalation: it waits for a person, who approves or denies, or it expires. */
public enum EscalationStatus {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED;

  public boolean isOpen() {
    return this == PENDING;
  }
}
