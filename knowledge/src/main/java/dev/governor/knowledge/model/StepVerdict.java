package dev.governor.knowledge.model;

import java.util.Objects;

/** The verdict on one step of a plan. */
public record StepVerdict(String id, Verdict verdict) {

  public StepVerdict {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(verdict, "verdict");
  }
}
