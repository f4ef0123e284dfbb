package dev.governor.knowledge.model;

import java.util.Objects;
import java.util.Set;

/** A person (or script) who answers escalations, authors rules or administers Governor. */
public record Operator(String name, Set<Role> roles) {

  public Operator {
    Objects.requireNonNull(name, "name");
    roles = Set.copyOf(roles);
  }

  /** Admin implies every role; any role implies viewing. */
  public boolean may(Role role) {
    return roles.contains(Role.ADMIN)
        || roles.contains(role)
        || (role == Role.VIEWER && !roles.isEmpty());
  }
}
