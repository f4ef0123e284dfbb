package dev.governor.rules.model;

import java.util.List;
import java.util.Map;

/**
 * The agent whose plan is under review, as rules see it. Match it as {@code Agent(environment ==
 * "production")}.
 */
public final class Agent {

  private final String id;
  private final String name;
  private final String owner;
  private final String environment;
  private final List<String> grants;
  private final Map<String, String> labels;
  private final Integer maxStepsPerPlan;
  private final Integer maxActionDepth;

  public Agent(
      String id,
      String name,
      String owner,
      String environment,
      List<String> grants,
      Map<String, String> labels,
      Integer maxStepsPerPlan,
      Integer maxActionDepth) {
    this.id = id;
    this.name = name;
    this.owner = owner;
    this.environment = environment;
    this.grants = List.copyOf(grants);
    this.labels = Map.copyOf(labels);
    this.maxStepsPerPlan = maxStepsPerPlan;
    this.maxActionDepth = maxActionDepth;
  }

  public String getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getOwner() {
    return owner;
  }

  /** {@code sandbox}, {@code staging} or {@code production}. */
  public String getEnvironment() {
    return environment;
  }

  /** Grants as registered, each {@code "<action pattern>:<resource pattern>"}. */
  public List<String> getGrants() {
    return grants;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  /** The agent's steps-per-plan budget, or null for none. */
  public Integer getMaxStepsPerPlan() {
    return maxStepsPerPlan;
  }

  /** The agent's action-depth budget (steps per task), or null for none. */
  public Integer getMaxActionDepth() {
    return maxActionDepth;
  }
}
