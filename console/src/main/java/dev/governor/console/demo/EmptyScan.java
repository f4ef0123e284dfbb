package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.client.Decision;
import dev.governor.client.GovernorClient;
import dev.governor.client.GovernorException;
import java.util.List;
import java.util.Map;

/** A security-scan agent answers "pass" with an empty result: it scanned nothing. */
final class EmptyScan implements Story {

  @Override
  public String name() {
    return "A security scan answers \"pass\" having scanned nothing";
  }

  @Override
  public Outcome play(Fleet fleet) {
    Fleet.Agent scanner =
        fleet.register("security-scanner", "staging", List.of("scan.*:/repos/**"), null);
    String taskId =
        scanner
            .client()
            .openTask(
                scanner.id(),
                Fleet.task("scan the payments service before release", "security", "/repos/**"))
            .path("id")
            .asText();
    Decision decision =
        scanner.submit(
            Fleet.plan(
                    "scan the payments service",
                    Fleet.step("s1", "scan.run", "/repos/payments", "run the security scanner"))
                .put("taskId", taskId));
    scanner.client().advanceTask(taskId, GovernorClient.object().put("to", "implement"));

    JsonNode reported =
        scanner.client().reportStep(decision.planId(), "s1", Fleet.succeeded(emptyScan()));
    String state = reported.path("report").path("state").asText();
    String check = reported.path("report").path("checks").path(0).path("message").asText();
    String gate;
    try {
      scanner.client().advanceTask(taskId, GovernorClient.object().put("to", "scan"));
      gate = "the gate to scan let it through";
    } catch (GovernorException refused) {
      // The pipeline cannot move on, so the scanner stops here, as a real one would.
      gate = "gate to scan refused (" + refused.code() + "): the task stops at implement";
    }
    String summary = "scan step " + state + " (" + check + "); " + gate;
    return new Outcome(
        scanner.id(), summary, Map.of("taskId", taskId, "planId", decision.planId()));
  }

  /** What a scanner that found no files says: success, zero items, carry on. */
  private static ObjectNode emptyScan() {
    ObjectNode evidence = GovernorClient.object().put("kind", "scan");
    evidence.putObject("counts").put("itemsScanned", 0).put("rulesExecuted", 120);
    return evidence.put("continue", true);
  }
}
