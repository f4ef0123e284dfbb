package dev.governor.client;

/** Governor answered with an error: its status, machine-readable code and message. */
public final class GovernorException extends RuntimeException {

  private final int status;
  private final String code;

  public GovernorException(int status, String code, String message) {
    super(status + " " + code + ": " + message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  /** The error's code, such as {@code idempotency_conflict} or {@code gate_refused}. */
  public String code() {
    return code;
  }
}
