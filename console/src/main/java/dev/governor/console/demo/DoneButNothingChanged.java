package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.client.Decision;
import dev.governor.client.GovernorClient;
import dev.governor.client.GovernorException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** An agent says its step succeeded and the task is done, but it wrote nothing. */
final class DoneButNothingChanged implements Story {

  @Override
  public String name() {
    return "The agent says \"done\" but changed nothing";
  }

  @Override
  public Outcome play(Fleet fleet) {
    Path folder = fleet.folder("docs-updater");
    Fleet.Agent updater =
        fleet.register("docs-updater", "staging", List.of("fs.write:" + folder + "/**"), null);
    String taskId =
        updater
            .client()
            .openTask(updater.id(), Fleet.task("update the changelog", "chore", folder + "/**"))
            .path("id")
            .asText();
    Decision decision =
        updater.submit(
            Fleet.plan(
                    "update the changelog",
                    Fleet.step(
                        "s1",
                        "fs.write",
                        folder.resolve("CHANGELOG.md").toString(),
                        "add the release notes"))
                .put("taskId", taskId));

    // It writes nothing, reports success without evidence, and claims the task is done.
    JsonNode reported = updater.client().reportStep(decision.planId(), "s1", Fleet.succeeded());
    String summary;
    try {
      updater.client().advanceTask(taskId, GovernorClient.object().put("to", "done"));
      summary = "completion accepted";
    } catch (GovernorException refused) {
      String message = refused.getMessage();
      String missing = message.substring(message.indexOf("missing: ") + "missing: ".length());
      summary =
          "completion refused ("
              + refused.code()
              + "): "
              + (message.contains("missing: ") ? missing : message)
              + "; its step is "
              + reported.path("report").path("state").asText();
    }
    return new Outcome(
        updater.id(), summary, Map.of("taskId", taskId, "planId", decision.planId()));
  }
}
