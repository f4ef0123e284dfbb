package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One version of the rule set: its DRL files by name, its tests, and whether it is active. */
public record RuleSetVersion(
    int version,
    Map<String, String> files,
    List<RuleTestCase> tests,
    String comment,
    Instant createdAt,
    boolean active) {

  public RuleSetVersion {
    files = Map.copyOf(files);
    tests = tests == null ? List.of() : List.copyOf(tests);
  }
}
