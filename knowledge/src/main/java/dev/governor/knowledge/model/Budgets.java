package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The observer's limits for one agent; a null field means no limit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Budgets(
    Long maxTokens,
    Double maxCostUsd,
    Long maxRuntimeSeconds,
    Integer maxStepsPerPlan,
    Integer maxActionDepth) {

  public static final Budgets NONE = new Budgets(null, null, null, null, null);
}
