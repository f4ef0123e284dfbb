package dev.governor.knowledge.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A managed element: an AI agent registered with Governor. Its token is never part of it. */
public record Agent(
    String id,
    String name,
    String owner,
    Environment environment,
    List<String> grants,
    Budgets budgets,
    Map<String, String> labels,
    Instant registeredAt) {

  public Agent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(environment, "environment");
    grants = List.copyOf(grants);
    budgets = budgets == null ? Budgets.NONE : budgets;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    // Stored to the millisecond; an agent read back must equal the one registered.
    registeredAt = Objects.requireNonNull(registeredAt, "registeredAt").truncatedTo(ChronoUnit.MILLIS);
  }
}
