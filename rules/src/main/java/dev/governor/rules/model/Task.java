package dev.governor.rules.model;

import java.util.List;

/**
 * The task the plan under review belongs to, if any. Match it as {@code Task(classification ==
 * "security")}; a plan sent outside a task has no {@code Task} fact.
 */
public final class Task {

  private final String id;
  private final String classification;
  private final String phase;
  private final List<String> scope;

  public Task(String id, String classification, String phase, List<String> scope) {
    this.id = id;
    this.classification = classification;
    this.phase = phase;
    this.scope = List.copyOf(scope);
  }

  public String getId() {
    return id;
  }

  public String getClassification() {
    return classification;
  }

  /** The phase the task is in, such as {@code implement}. */
  public String getPhase() {
    return phase;
  }

  /** Resource patterns the task may touch, as in grants: {@code /repo/**}. */
  public List<String> getScope() {
    return scope;
  }
}
