package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An agent heart-beats for a while, then goes silent. */
final class SilentAgent implements Story {

  private static final Duration POLL = Duration.ofMillis(250);

  private final Duration heartbeatTimeout;

  SilentAgent(Duration heartbeatTimeout) {
    this.heartbeatTimeout = Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
  }

  @Override
  public String name() {
    return "An agent goes silent";
  }

  @Override
  public Outcome play(Fleet fleet) throws InterruptedException {
    Fleet.Agent reporter = fleet.register("nightly-reporter", "sandbox", List.of(), null);
    for (int beat = 0; beat < 3; beat++) {
      reporter.client().heartbeat(reporter.id());
    }
    Instant wentQuiet = Instant.now();
    // Then nothing: the process hung. Only the watchdog can notice.
    Optional<JsonNode> raised = Optional.empty();
    Instant giveUp = wentQuiet.plus(heartbeatTimeout).plus(Demo.PATIENCE);
    while (raised.isEmpty() && Instant.now().isBefore(giveUp)) {
      Thread.sleep(POLL.toMillis());
      raised =
          fleet.operator().alerts("open").stream()
              .filter(alert -> reporter.id().equals(alert.path("agentId").asText()))
              .filter(alert -> "silent".equals(alert.path("kind").asText()))
              .findFirst();
    }
    String summary =
        raised
            .map(
                alert ->
                    "raised by the watchdog "
                        + Duration.between(wentQuiet, Instant.now()).toSeconds()
                        + " s after its last heartbeat: "
                        + alert.path("message").asText())
            .orElse(
                "the watchdog raised nothing within "
                    + Duration.between(wentQuiet, giveUp).toSeconds()
                    + " s");
    return new Outcome(reporter.id(), summary, Map.of());
  }
}
