package dev.governor.console.demo;

import dev.governor.client.Decision;
import java.util.List;
import java.util.Map;

/** A coding agent with wide permissions plans to delete and recreate a production environment. */
final class EnvironmentDeletion implements Story {

  @Override
  public String name() {
    return "A coding agent plans to delete and recreate a production environment";
  }

  @Override
  public Outcome play(Fleet fleet) {
    Fleet.Agent rebuilder =
        fleet.register("rebuilder-prod", "production", List.of("env.*:**"), null);
    Decision decision =
        rebuilder.submit(
            Fleet.plan(
                "the production environment is broken: rebuild it from scratch",
                Fleet.step("s1", "env.delete", "env:prod", "delete the production environment"),
                Fleet.step("s2", "env.create", "env:prod", "recreate it from the template")));
    // A real agent runs no step of a plan that is not approved, and this one is not.
    String summary =
        decision.verdict()
            + " before any step ran, by rule \""
            + Fleet.rule(decision, "denied in production")
            + "\"";
    return new Outcome(rebuilder.id(), summary, Map.of("planId", decision.planId()));
  }
}
