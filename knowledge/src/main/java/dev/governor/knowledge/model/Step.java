package dev.governor.knowledge.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One step of a plan: what the agent intends to do, to what, why, and what influenced it. */
public record Step(
    String id,
    String action,
    String target,
    String intent,
    List<String> provenance,
    List<String> dependsOn,
    Map<String, Object> params) {

  public Step {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    target = target == null ? "" : target;
    intent = intent == null ? "" : intent;
    provenance = provenance == null ? List.of() : List.copyOf(provenance);
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    params = params == null ? Map.of() : params;
  }
}
