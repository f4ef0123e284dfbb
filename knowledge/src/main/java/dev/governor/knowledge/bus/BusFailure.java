package dev.governor.knowledge.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Why a request over the bus failed; the code travels as the reply's failure code. */
public enum BusFailure {
  INVALID(400, "invalid_request"),
  FORBIDDEN(403, "forbidden"),
  NOT_FOUND(404, "not_found"),
  CONFLICT(409, "conflict"),
  BUSY(429, "busy"),
  UNAVAILABLE(503, "unavailable"),
  INTERNAL(500, "internal_error");

  private final int code;
  private final String errorCode;

  BusFailure(int code, String errorCode) {
    this.code = code;
    this.errorCode = errorCode;
  }

  /** The failure code carried on the bus; it is also the fitting HTTP status. */
  public int code() {
    return code;
  }

  /** The machine-readable error code an HTTP client sees. */
  public String errorCode() {
    return errorCode;
  }

  public static BusFailure of(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.TIMEOUT
          || reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return UNAVAILABLE;
      }
      for (BusFailure candidate : values()) {
        if (candidate.code == reply.failureCode()) {
          return candidate;
        }
      }
    }
    return INTERNAL;
  }
}
