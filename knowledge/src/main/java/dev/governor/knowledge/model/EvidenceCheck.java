package dev.governor.knowledge.model;

import java.util.Objects;

/** What a verifier found about one evidence envelope. */
public record EvidenceCheck(String kind, boolean ok, String message) {

  public EvidenceCheck {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  public static EvidenceCheck passed(String kind, String message) {
    return new EvidenceCheck(kind, true, message);
  }

  public static EvidenceCheck failed(String kind, String message) {
    return new EvidenceCheck(kind, false, message);
  }
}
