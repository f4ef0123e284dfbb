package dev.governor.console;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Role;

/** Who a bearer token acts for: one agent, or an operator with roles. */
sealed interface Principal {

  record AgentPrincipal(Agent agent) implements Principal {}

  record OperatorPrincipal(Operator operator) implements Principal {}

  default boolean isAgent(String agentId) {
    return this instanceof AgentPrincipal a && a.agent().id().equals(agentId);
  }

  default boolean isOperatorWith(Role role) {
    return this instanceof OperatorPrincipal o && o.operator().may(role);
  }

  default String actor() {
    return this instanceof AgentPrincipal a
        ? "agent:" + a.agent().id()
        : "operator:" + ((OperatorPrincipal) this).operator().name();
  }
}
