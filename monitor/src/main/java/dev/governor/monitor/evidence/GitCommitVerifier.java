package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code commit}: every artifact names a commit in a local Git repository that one of the agent's
 * grants covers (its resource pattern covers the repository's path), and {@code git cat-file -e
 * <commit>^{commit}} finds it there.
 */
final class GitCommitVerifier implements EvidenceVerifier {

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,64}");

  private final Duration timeout;

  GitCommitVerifier(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public String kind() {
    return "commit";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    if (evidence.artifacts().isEmpty()) {
      return EvidenceCheck.failed(
          kind(), "commit evidence names no artifact (repository and commit)");
    }
    for (Evidence.Artifact artifact : evidence.artifacts()) {
      String problem = problem(artifact, agent);
      if (problem != null) {
        return EvidenceCheck.failed(kind(), problem);
      }
    }
    return EvidenceCheck.passed(
        kind(), evidence.artifacts().size() + " commit(s) exist in their repositories");
  }

  private String problem(Evidence.Artifact artifact, Agent agent) {
    String commit = artifact.commit();
    if (commit == null || !SHA.matcher(commit).matches()) {
      return "\"" + commit + "\" is not a commit id (7 to 64 hexadecimal digits)";
    }
    String repository = artifact.repository();
    if (repository == null || !Path.of(repository).isAbsolute()) {
      return "a commit needs the absolute path of its local repository";
    }
    Path stated = Path.of(repository).normalize();
    Artifacts.Checked checked = Artifacts.inGrants(stated, agent, "the repository");
    if (checked.problem() != null) {
      return checked.problem() + " (for example \"git.read:" + stated + "/**\")";
    }
    if (checked.real() == null || !Files.isDirectory(checked.real())) {
      return "there is no repository at " + stated;
    }
    Path path = checked.real();
    try {
      Process git =
          new ProcessBuilder(
                  List.of("git", "-C", path.toString(), "cat-file", "-e", commit + "^{commit}"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      git.getOutputStream().close();
      if (!git.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        git.destroyForcibly();
        return "git did not answer within " + timeout.toSeconds() + " s";
      }
      return git.exitValue() == 0 ? null : "commit " + commit + " is not in " + stated;
    } catch (IOException e) {
      return "git cannot be run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while asking git";
    }
  }
}
