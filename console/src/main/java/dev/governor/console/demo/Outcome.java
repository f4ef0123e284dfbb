package dev.governor.console.demo;

import java.util.Map;
import java.util.Objects;

/**
 * What Governor was seen to do in one story: the agent it happened to, a one-line summary for the
 * console, and the ids (plan, task, escalation, resource) a person or a test can look up.
 */
public record Outcome(String agentId, String summary, Map<String, String> refs) {

  public Outcome {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(summary, "summary");
    refs = Map.copyOf(refs);
  }

  public String ref(String name) {
    String value = refs.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name + " in " + refs);
    }
    return value;
  }
}
