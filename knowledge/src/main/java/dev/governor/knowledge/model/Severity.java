package dev.governor.knowledge.model;

/** How much a finding matters; escalation deadlines and the console's ordering use it. */
public enum Severity {
  INFO,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL
}
