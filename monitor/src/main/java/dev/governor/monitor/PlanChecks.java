package dev.governor.monitor;

import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** What a plan must satisfy before it enters the loop, whoever sent it. */
final class PlanChecks {

  private static final Pattern ACTION = Pattern.compile("[A-Za-z][\\w-]*(\\.[A-Za-z][\\w-]*)+");

  private PlanChecks() {}

  static boolean isAction(String action) {
    return action != null && ACTION.matcher(action).matches();
  }

  static Optional<Problem> problem(List<Step> steps, int maxSteps) {
    if (steps.isEmpty()) {
      return Optional.of(Problem.invalid("invalid_request", "a plan needs at least one step"));
    }
    if (steps.size() > maxSteps) {
      return Optional.of(
          Problem.invalid(
              "too_many_steps",
              "a plan may have at most " + maxSteps + " steps; this one has " + steps.size()));
    }
    Set<String> ids = new HashSet<>();
    for (Step step : steps) {
      if (step.id().isBlank()) {
        return Optional.of(Problem.invalid("invalid_request", "every step needs a non-empty id"));
      }
      if (!ids.add(step.id())) {
        return Optional.of(
            Problem.invalid("invalid_request", "step id \"" + step.id() + "\" appears twice"));
      }
      if (!ACTION.matcher(step.action()).matches()) {
        return Optional.of(
            Problem.invalid(
                "invalid_request",
                "step \""
                    + step.id()
                    + "\" has action \""
                    + step.action()
                    + "\"; an action is \"namespace.verb\", such as \"env.delete\""));
      }
    }
    for (Step step : steps) {
      for (String dependency : step.dependsOn()) {
        if (!ids.contains(dependency) || dependency.equals(step.id())) {
          return Optional.of(
              Problem.invalid(
                  "invalid_request",
                  "step \""
                      + step.id()
                      + "\" depends on \""
                      + dependency
                      + "\", which is not another step of this plan"));
        }
      }
    }
    return Optional.empty();
  }
}
