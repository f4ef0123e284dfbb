package dev.governor.plan;

import dev.governor.knowledge.bus.Messages.Adaptation;
import dev.governor.knowledge.bus.Messages.AdaptationAction;
import dev.governor.knowledge.bus.Messages.Symptom;
import dev.governor.knowledge.model.Circuit;

/**
 * What to do about each symptom, as a pure function: a crossed budget, an error rate over the
 * threshold or a retry storm opens the agent's circuit (budget trips stay open until an operator
 * resets them; the others cool down to half-open); a probe's result closes or reopens a half-open
 * circuit; silence raises an alert and speaking again clears it.
 */
final class Adaptations {

  static final String ACTOR = "governor";

  private Adaptations() {}

  static Adaptation of(Symptom symptom) {
    return switch (symptom.kind()) {
      case BUDGET_CROSSED -> open(symptom, Circuit.BUDGET);
      case ERROR_RATE -> open(symptom, Circuit.ERROR_RATE);
      case RETRY_STORM -> open(symptom, Circuit.RETRY_STORM);
      case PROBE_CLEAN -> adapt(symptom, AdaptationAction.CLOSE_CIRCUIT, null);
      case PROBE_FAILED -> adapt(symptom, AdaptationAction.REOPEN_CIRCUIT, null);
      case SILENT -> adapt(symptom, AdaptationAction.RAISE_SILENCE_ALERT, null);
      case HEARD_AGAIN -> adapt(symptom, AdaptationAction.CLEAR_SILENCE_ALERT, null);
      case TASK_STALLED -> adapt(symptom, AdaptationAction.RAISE_STALL_ALERT, null);
      case TASK_PROGRESSED -> adapt(symptom, AdaptationAction.CLEAR_STALL_ALERT, null);
    };
  }

  private static Adaptation open(Symptom symptom, String trip) {
    return adapt(symptom, AdaptationAction.OPEN_CIRCUIT, trip);
  }

  private static Adaptation adapt(Symptom symptom, AdaptationAction action, String trip) {
    return new Adaptation(symptom.agentId(), action, trip, symptom.message(), ACTOR);
  }
}
