package dev.governor.knowledge.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A command pushed down an agent's command channel: {@code pause}, {@code resume} or {@code abort},
 * with why and who asked. {@code seq} orders every command Governor ever issued; an agent that
 * reconnects asks for those after the last one it saw.
 */
public record AgentCommand(
    long seq, String agentId, String command, String reason, String actor, Instant at) {

  public static final String PAUSE = "pause";
  public static final String RESUME = "resume";
  public static final String ABORT = "abort";

  public AgentCommand {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(command, "command");
    // Stored to the millisecond; a re-delivered command must equal the one first sent.
    at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS);
  }
}
