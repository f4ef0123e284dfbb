package dev.governor.knowledge.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A managed element: an AI agent registered with Governor. Its token is never part of it. {@code
 * tools} holds the effects the agent declared for its own actions (action → effect class).
 */
public record Agent(
    String id,
    String name,
    String owner,
    Environment environment,
    List<String> grants,
    Budgets budgets,
    Map<String, String> labels,
    Instant registeredAt,
    Map<String, EffectClass> tools) {

  public Agent(
      String id,
      String name,
      String owner,
      Environment environment,
      List<String> grants,
      Budgets budgets,
      Map<String, String> labels,
      Instant registeredAt) {
    this(id, name, owner, environment, grants, budgets, labels, registeredAt, Map.of());
  }

  public Agent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(environment, "environment");
    grants = List.copyOf(grants);
    budgets = budgets == null ? Budgets.NONE : budgets;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    // Stored to the millisecond; an agent read back must equal the one registered.
    registeredAt =
        Objects.requireNonNull(registeredAt, "registeredAt").truncatedTo(ChronoUnit.MILLIS);
    tools = tools == null ? Map.of() : Map.copyOf(tools);
  }
}
