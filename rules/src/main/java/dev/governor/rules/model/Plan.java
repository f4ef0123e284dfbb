package dev.governor.rules.model;

/** The plan under review, as rules see it. */
public final class Plan {

  private final String id;
  private final String agentId;
  private final String taskId;
  private final String goal;
  private final int stepCount;

  public Plan(String id, String agentId, String taskId, String goal, int stepCount) {
    this.id = id;
    this.agentId = agentId;
    this.taskId = taskId;
    this.goal = goal;
    this.stepCount = stepCount;
  }

  public String getId() {
    return id;
  }

  public String getAgentId() {
    return agentId;
  }

  public String getTaskId() {
    return taskId;
  }

  public String getGoal() {
    return goal;
  }

  public int getStepCount() {
    return stepCount;
  }
}
