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
  private final SandboxRecord sandboxRecord;

  /**
   * How many tasks the same agent (same name and owner) brought through every phase gate in {@code
   * sandbox}, and how many a {@code production} agent needs before its writes go through on rules
   * alone ({@code required} 0: no such requirement).
   */
  public record SandboxRecord(int completedTasks, int required) {
    public static final SandboxRecord NOT_REQUIRED = new SandboxRecord(0, 0);

    public boolean isClean() {
      return completedTasks >= required;
    }
  }

  public Agent(
      String id,
      String name,
      String owner,
      String environment,
      List<String> grants,
      Map<String, String> labels,
      Integer maxStepsPerPlan,
      Integer maxActionDepth) {
    this(
        id,
        name,
        owner,
        environment,
        grants,
        labels,
        maxStepsPerPlan,
        maxActionDepth,
        SandboxRecord.NOT_REQUIRED);
  }

  public Agent(
      String id,
      String name,
      String owner,
      String environment,
      List<String> grants,
      Map<String, String> labels,
      Integer maxStepsPerPlan,
      Integer maxActionDepth,
      SandboxRecord sandboxRecord) {
    this.id = id;
    this.name = name;
    this.owner = owner;
    this.environment = environment;
    this.grants = List.copyOf(grants);
    this.labels = Map.copyOf(labels);
    this.maxStepsPerPlan = maxStepsPerPlan;
    this.maxActionDepth = maxActionDepth;
    this.sandboxRecord = sandboxRecord == null ? SandboxRecord.NOT_REQUIRED : sandboxRecord;
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

  /** Tasks of this agent's name and owner that passed every phase gate in sandbox. */
  public int getSandboxTasksCompleted() {
    return sandboxRecord.completedTasks();
  }

  /** How many such tasks a production agent needs; 0 when none are required. */
  public int getSandboxTasksRequired() {
    return sandboxRecord.required();
  }

  /** Whether the sandbox record is clean: at least the required number of completed tasks. */
  public boolean isSandboxRecordClean() {
    return sandboxRecord.isClean();
  }
}
