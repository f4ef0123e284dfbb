package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease on a resource, held by the agent whose approved step writes it, until the step reports or
 * {@code expiresAt}. Fencing tokens only grow: a resource that remembers the highest token it saw
 * can refuse a write carrying an older one.
 */
public record Lease(
    long fencingToken,
    String resource,
    String agentId,
    String planId,
    String stepId,
    Instant acquiredAt,
    Instant expiresAt,
    Instant releasedAt) {

  public Lease {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(agentId, "agentId");
  }

  public boolean heldAt(Instant now) {
    return releasedAt == null && expiresAt.isAfter(now);
  }
}
