package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.Map;

/** One version of the rule set: its DRL files by name, and whether it is the active one. */
public record RuleSetVersion(
    int version, Map<String, String> files, String comment, Instant createdAt, boolean active) {

  public RuleSetVersion {
    files = Map.copyOf(files);
  }
}
