package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The observer's limits for one agent; a null field means no limit. {@code maxErrorRate} is the
 * share of failed tool calls (0 to 1) over the error-rate window that opens the agent's circuit;
 * when null, Governor's {@code errorRateThreshold} setting applies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Budgets(
    Long maxTokens,
    Double maxCostUsd,
    Long maxRuntimeSeconds,
    Integer maxStepsPerPlan,
    Integer maxActionDepth,
    Double maxErrorRate) {

  public static final Budgets NONE = new Budgets(null, null, null, null, null, null);

  public Budgets(
      Long maxTokens,
      Double maxCostUsd,
      Long maxRuntimeSeconds,
      Integer maxStepsPerPlan,
      Integer maxActionDepth) {
    this(maxTokens, maxCostUsd, maxRuntimeSeconds, maxStepsPerPlan, maxActionDepth, null);
  }
}
