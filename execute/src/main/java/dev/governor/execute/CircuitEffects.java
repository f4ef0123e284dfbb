package dev.governor.execute;

import dev.governor.knowledge.model.AgentCommand;
import dev.governor.knowledge.model.Circuit;
import dev.governor.knowledge.model.CircuitState;

/**
 * Which command a circuit's move sends down the agent's command channel: pause when it opens,
 * resume when it goes half-open (the agent runs to probe) or when an open circuit closes. A
 * half-open circuit that closes sends nothing: the agent is already running.
 */
final class CircuitEffects {

  private CircuitEffects() {}

  static String command(Circuit before, Circuit after) {
    if (after.state() == CircuitState.OPEN && before.state() != CircuitState.OPEN) {
      return AgentCommand.PAUSE;
    }
    if (after.state() == CircuitState.HALF_OPEN) {
      return AgentCommand.RESUME;
    }
    if (after.state() == CircuitState.CLOSED && before.state() == CircuitState.OPEN) {
      return AgentCommand.RESUME;
    }
    return null;
  }
}
