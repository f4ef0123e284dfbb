package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.client.Command;
import dev.governor.client.CommandStream;
import dev.governor.client.GovernorClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** An agent loops, asking its model the same thing again and again, burning tokens. */
final class TokenLoop implements Story {

  static final long TOKEN_BUDGET = 20_000;
  private static final int MOST_ROUNDS = 100;

  @Override
  public String name() {
    return "An agent loops, burning tokens";
  }

  @Override
  public Outcome play(Fleet fleet) throws InterruptedException {
    ObjectNode budgets = GovernorClient.object().put("maxTokens", TOKEN_BUDGET);
    Fleet.Agent looper = fleet.register("looping-summarizer", "sandbox", List.of(), budgets);
    CountDownLatch paused = new CountDownLatch(1);
    AtomicReference<Command> pause = new AtomicReference<>();
    JsonNode circuit = GovernorClient.object();
    try (CommandStream commands =
        looper.client().followCommands(looper.id(), 0, command -> obey(command, pause, paused))) {
      // Each round asks the model again, as a stuck agent does, until it is told to stop.
      for (int round = 0; round < MOST_ROUNDS && paused.getCount() > 0; round++) {
        JsonNode answer = looper.client().sendTelemetry(looper.id(), List.of(tokens(2_500, 1_500)));
        circuit = answer.path("circuit");
        if ("OPEN".equals(circuit.path("state").asText())) {
          break;
        }
      }
      paused.await(Demo.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
    boolean told =
        fleet.operator().alerts("open").stream()
            .anyMatch(
                alert ->
                    looper.id().equals(alert.path("agentId").asText())
                        && "circuit_open".equals(alert.path("kind").asText()));
    String summary =
        "circuit "
            + circuit.path("state").asText("?")
            + ": "
            + circuit.path("reason").asText("no reason")
            + "; "
            + (pause.get() == null
                ? "no pause command came"
                : "told to pause on its command stream")
            + "; "
            + (told ? "a person is alerted" : "no alert raised");
    return new Outcome(looper.id(), summary, Map.of());
  }

  private static void obey(Command command, AtomicReference<Command> pause, CountDownLatch paused) {
    if ("pause".equals(command.command())) {
      pause.set(command);
      paused.countDown();
    }
  }

  private static ObjectNode tokens(long in, long out) {
    return GovernorClient.object()
        .put("kind", "tokens")
        .put("tokensIn", in)
        .put("tokensOut", out)
        .put("model", "demo-model");
  }
}
