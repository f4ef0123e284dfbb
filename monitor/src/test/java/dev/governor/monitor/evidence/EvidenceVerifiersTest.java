package dev.governor.monitor.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceVerifiersTest {

  final EvidenceVerifiers verifiers = EvidenceVerifiers.load(Duration.ofSeconds(5));

  @TempDir Path dir;
  @TempDir Path elsewhere;

  @Test
  @DisplayName("Verifiers on the class path are found by kind, beside the built-in ones")
  void pluggedIn() {
    assertThat(verifiers.kinds())
        .containsExactlyInAnyOrder("commit", "coverage", "file", "lint", "scan", "test-report");
    assertThat(verify(new Evidence("lint", counts(null, null, 40L, null), null, null, null)).ok())
        .isTrue();
    assertThat(verify(new Evidence("lint", null, null, null, null)).ok()).isFalse();
  }

  @Test
  @DisplayName("Unknown kinds, zero coverage and empty scans fail; the reporter's stop is final")
  void failClosed() {
    assertThat(verify(new Evidence("vibes", null, null, null, null)).message())
        .contains("no verifier");
    assertThat(
            verify(new Evidence("coverage", counts(null, null, null, 0.0), null, null, null)).ok())
        .isFalse();
    assertThat(
            verify(new Evidence("coverage", counts(null, null, null, 81.5), null, null, null)).ok())
        .isTrue();
    assertThat(verify(new Evidence("scan", counts(0L, null, null, null), null, null, null)).ok())
        .isFalse();
    assertThat(verify(new Evidence("scan", counts(10L, null, null, null), null, false, null)).ok())
        .isFalse();
  }

  @Test
  @DisplayName("A JUnit report must agree with the counts its envelope states")
  void junitCountsMustAgree() throws Exception {
    Path report =
        Files.writeString(
            dir.resolve("TEST-a.xml"),
            "<testsuites><testsuite tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"1\"/>"
                + "<testsuite tests=\"2\" failures=\"0\"/></testsuites>");
    List<Evidence.Artifact> artifacts =
        List.of(new Evidence.Artifact(report.toString(), null, null, null));

    assertThat(verify(new Evidence("test-report", null, artifacts, null, null)).message())
        .isEqualTo("5 tests ran, none failed");
    assertThat(
            verify(
                    new Evidence(
                        "test-report",
                        new Evidence.Counts(50L, 0L, null, null, null),
                        artifacts,
                        null,
                        null))
                .ok())
        .isFalse();
  }

  @Test
  @DisplayName(
      "Files are read only under the agent's grants: outside them, whether the file exists or not,"
          + " the answer is the same and names no hash; a link out of a granted folder fails too")
  void filesOnlyUnderGrants() throws Exception {
    Path secret = Files.writeString(elsewhere.resolve("secret.txt"), "not the agent's");
    String hash = Artifacts.sha256(secret);
    Path granted = Files.writeString(dir.resolve("notes.txt"), "the agent's notes");

    EvidenceCheck outside = verify(file(secret, "0".repeat(64)));
    EvidenceCheck missing = verify(file(elsewhere.resolve("nothing.txt"), "0".repeat(64)));
    assertThat(outside.ok()).isFalse();
    assertThat(outside.message()).contains("no grant of agent a covers").doesNotContain(hash);
    assertThat(missing.message()).isEqualTo(outside.message().replace("secret.txt", "nothing.txt"));
    assertThat(
            verify(file(dir.resolve("../" + elsewhere.getFileName() + "/secret.txt"), hash)).ok())
        .as("a path that climbs out of the granted folder")
        .isFalse();

    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), secret);
    assertThat(verify(file(link, hash)).message()).contains("leads outside the agent's grants");

    assertThat(verify(file(granted, Artifacts.sha256(granted))).ok()).isTrue();
    // A granted folder reached through a link (as /tmp is on macOS) is still the agent's.
    Path linkedFolder = Files.createSymbolicLink(elsewhere.resolve("work"), dir);
    Agent throughLink = agent("fs.write:" + linkedFolder + "/**");
    assertThat(
            verifiers
                .verify(
                    List.of(file(linkedFolder.resolve("notes.txt"), Artifacts.sha256(granted))),
                    throughLink)
                .get(0)
                .ok())
        .isTrue();
    assertThat(
            verify(
                    new Evidence(
                        "test-report",
                        null,
                        List.of(new Evidence.Artifact(secret.toString(), null, null, null)),
                        null,
                        null))
                .message())
        .contains("no grant of agent a covers");
  }

  private static Evidence file(Path path, String sha256) {
    return new Evidence(
        "file",
        null,
        List.of(new Evidence.Artifact(path.toString(), sha256, null, null)),
        null,
        null);
  }

  private EvidenceCheck verify(Evidence evidence) {
    return verifiers.verify(List.of(evidence), agent()).get(0);
  }

  /** An agent that may work in this test's folder, and nowhere else. */
  private Agent agent() {
    return agent("fs.write:" + dir.toAbsolutePath() + "/**");
  }

  private static Agent agent(String grant) {
    return new Agent(
        "a",
        "a",
        "team",
        Environment.SANDBOX,
        List.of(grant),
        Budgets.NONE,
        Map.of(),
        Instant.EPOCH);
  }

  private static Evidence.Counts counts(Long scanned, Long run, Long rules, Double coverage) {
    return new Evidence.Counts(run, null, scanned, rules, coverage);
  }
}
