package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * An evidence envelope: what a reporter offers as proof that a step or a phase is done. {@code
 * kind} selects the verifier ({@code test-report}, {@code file}, {@code commit}, {@code scan},
 * {@code coverage}, or a plugged-in one); {@code counts} are the reporter's figures; {@code
 * artifacts} name what can be looked at; {@code continue} is the reporter's own verdict on whether
 * to go on.
 */
public record Evidence(
    String kind,
    Counts counts,
    List<Artifact> artifacts,
    @JsonProperty("continue") Boolean proceed,
    String note) {

  public Evidence {
    Objects.requireNonNull(kind, "kind");
    counts = counts == null ? Counts.NONE : counts;
    artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
  }

  /** True unless the reporter itself said to stop. */
  public boolean reporterSaysContinue() {
    return proceed == null || proceed;
  }

  /** The reporter's figures; any may be missing. */
  public record Counts(
      Long testsRun,
      Long testsFailed,
      Long itemsScanned,
      Long rulesExecuted,
      Double coveragePercent) {
    public static final Counts NONE = new Counts(null, null, null, null, null);
  }

  /** Something a verifier can look at: a file and its SHA-256, or a commit in a repository. */
  public record Artifact(String path, String sha256, String repository, String commit) {}
}
