package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.client.Decision;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Two agents set out to change the same configuration file at the same time. */
final class LeaseConflict implements Story {

  @Override
  public String name() {
    return "Two agents modify the same resource";
  }

  @Override
  public Outcome play(Fleet fleet) {
    Path folder = fleet.folder("config-writers");
    String config = folder.resolve("service-config.yaml").toString();
    List<String> grants = List.of("fs.write:" + folder + "/**");
    Fleet.Agent first = fleet.register("config-writer-a", "staging", grants, null);
    Fleet.Agent second = fleet.register("config-writer-b", "staging", grants, null);

    // The first writer's step is approved and holds the lease while it works; it has not reported.
    Decision holding =
        first.submit(
            Fleet.plan(
                "raise the replica count",
                Fleet.step("s1", "fs.write", config, "set replicas to 5")));
    Decision heldOff =
        second.submit(
            Fleet.plan(
                "lower the replica count to save money",
                Fleet.step("s1", "fs.write", config, "set replicas to 2")));

    String holder =
        fleet.operator().leases().stream()
            .filter(lease -> config.equals(lease.path("resource").asText()))
            .findFirst()
            .map(lease -> describe(lease, first))
            .orElse("no lease");
    String summary =
        "second writer "
            + heldOff.verdict()
            + " by rule \""
            + Fleet.rule(heldOff, "lease")
            + "\"; "
            + holder
            + (heldOff.escalated() ? "; it waits for a person or the lease" : "");
    return new Outcome(
        second.id(),
        summary,
        Map.of(
            "resource", config,
            "holderId", first.id(),
            "holdingPlanId", holding.planId(),
            "planId", heldOff.planId()));
  }

  private static String describe(JsonNode lease, Fleet.Agent first) {
    String holder = lease.path("agentId").asText();
    return "lease held by "
        + (holder.equals(first.id()) ? first.name() : holder)
        + " with fencing token "
        + lease.path("fencingToken").asLong();
  }
}
