package dev.governor.knowledge.store;

/** A write the knowledge store refused, with a reason a caller can act on. */
public final class KnowledgeException extends RuntimeException {

  /** Why it was refused. */
  public enum Kind {
    NOT_FOUND,
    CONFLICT,
    UNAVAILABLE,
    /** The write queue is full: try again later. */
    BUSY
  }

  private final Kind kind;

  public KnowledgeException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public KnowledgeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
