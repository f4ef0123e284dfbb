package dev.governor.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The check applied to every response of both targets: status 200 and a JSON body with a verdict.
 * Exactly one of the two fields is set.
 *
 * @param verdict the plan's verdict, when the response is good
 * @param error a short, low-cardinality description of what was wrong, for counting
 */
record Outcome(String verdict, String error) {

  private static final Set<String> VERDICTS = Set.of("APPROVED", "DENIED", "ESCALATED");
  private static final int MESSAGE_LIMIT = 80;

  static Outcome of(int status, Buffer body) {
    JsonObject json;
    try {
      json = body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (status != 200) {
      // The error code, not the message: messages carry ids and would make every error unique.
      JsonObject error = json == null ? null : json.getJsonObject("error");
      String code = error == null ? null : error.getString("code");
      return failed("HTTP " + status + (code == null ? "" : " " + code));
    }
    if (json == null) {
      return failed("HTTP 200 without a JSON object");
    }
    Object verdict = json.getValue("verdict");
    if (!(verdict instanceof String text) || !VERDICTS.contains(text)) {
      return failed("HTTP 200 without a verdict");
    }
    return new Outcome(text, null);
  }

  static Outcome of(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (message.length() > MESSAGE_LIMIT) {
      message = message.substring(0, MESSAGE_LIMIT) + "...";
    }
    return failed(failure.getClass().getSimpleName() + ": " + message);
  }

  private static Outcome failed(String error) {
    return new Outcome(null, error);
  }
}
