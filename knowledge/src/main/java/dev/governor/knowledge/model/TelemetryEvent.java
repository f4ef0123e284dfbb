package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing an agent tells Governor it did, in a telemetry batch. {@code kind} says which fields
 * matter: {@code tool_call} (tool, durationMs, ok), {@code tokens} (tokensIn, tokensOut, model),
 * {@code cost} (costUsd) or {@code log} (message). {@code taskId} ties it to a task; without one it
 * counts for the agent's untitled task.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TelemetryEvent(
    String kind,
    String taskId,
    String tool,
    Long durationMs,
    Boolean ok,
    Long tokensIn,
    Long tokensOut,
    String model,
    Double costUsd,
    String message) {

  public static final String TOOL_CALL = "tool_call";
  public static final String TOKENS = "tokens";
  public static final String COST = "cost";
  public static final String LOG = "log";

  @JsonIgnore
  public boolean isToolCall() {
    return TOOL_CALL.equals(kind);
  }

  @JsonIgnore
  public boolean failed() {
    return isToolCall() && Boolean.FALSE.equals(ok);
  }

  @JsonIgnore
  public long tokens() {
    return (tokensIn == null ? 0 : tokensIn) + (tokensOut == null ? 0 : tokensOut);
  }
}
