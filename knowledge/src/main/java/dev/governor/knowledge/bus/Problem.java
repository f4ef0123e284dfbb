package dev.governor.knowledge.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * A refusal with a machine-readable code and a sentence for a person, carried over the bus as a
 * failed reply: the failure code is the {@link BusFailure}, the text is {@code "<code>:
 * <message>"}.
 */
public record Problem(BusFailure failure, String code, String message) {

  public static Problem invalid(String code, String message) {
    return new Problem(BusFailure.INVALID, code, message);
  }

  public void failReply(Message<?> request) {
    request.fail(failure.code(), code + ": " + message);
  }

  /** Reads the problem back from a failed request; anything unexpected is an internal error. */
  public static Problem of(Throwable failure) {
    BusFailure kind = BusFailure.of(failure);
    String text = failure.getMessage() == null ? kind.errorCode() : failure.getMessage();
    if (failure instanceof ReplyException && kind != BusFailure.UNAVAILABLE) {
      int colon = text.indexOf(": ");
      if (colon > 0 && text.substring(0, colon).matches("[a-z_]+")) {
        return new Problem(kind, text.substring(0, colon), text.substring(colon + 2));
      }
    }
    if (kind == BusFailure.UNAVAILABLE) {
      return new Problem(kind, kind.errorCode(), "Governor could not complete the request in time");
    }
    return new Problem(kind, kind.errorCode(), text);
  }
}
