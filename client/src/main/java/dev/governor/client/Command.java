package dev.governor.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A command Governor pushed to an agent: {@code pause}, {@code resume} or {@code abort}. */
public record Command(long seq, String command, String reason, JsonNode body) {

  static Command of(JsonNode body) {
    return new Command(
        body.path("seq").asLong(),
        body.path("command").asText(),
        body.path("reason").asText(null),
        body);
  }
}
