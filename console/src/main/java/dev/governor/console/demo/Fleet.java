package dev.governor.console.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.client.Decision;
import dev.governor.client.GovernorClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the stories share: an operator's client to register agents with, and a folder where the
 * simulated agents write the files they offer as evidence.
 */
public final class Fleet {

  /** The owner every demo agent is registered under, so a person can filter them. */
  static final String OWNER = "demo-fleet";

  private final GovernorClient operator;
  private final Path workDir;

  /**
   * A fleet writing under {@code workDir}, in a folder of this run's own: a run on a demo folder
   * played before must not meet the resources (and leases) of the one before.
   */
  public Fleet(GovernorClient operator, Path workDir) {
    this.operator = Objects.requireNonNull(operator, "operator");
    this.workDir = workDir.resolve("run-" + System.currentTimeMillis());
  }

  /** A simulated agent: its id and a client acting with its own token. */
  public record Agent(String id, String name, GovernorClient client) {

    Decision submit(ObjectNode plan) {
      return client.submitPlan(id, plan);
    }
  }

  GovernorClient operator() {
    return operator;
  }

  /** A folder of its own for one story's files, inside the demo's work folder. */
  Path folder(String story) {
    try {
      return Files.createDirectories(workDir.resolve(story)).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Agent register(String name, String environment, List<String> grants, ObjectNode budgets) {
    ObjectNode registration =
        GovernorClient.object()
            .put("name", name)
            .put("owner", OWNER)
            .put("environment", environment);
    ArrayNode granted = registration.putArray("grants");
    grants.forEach(granted::add);
    if (budgets != null) {
      registration.set("budgets", budgets);
    }
    GovernorClient.RegisteredAgent registered = operator.registerAgent(registration);
    return new Agent(registered.id(), name, operator.as(registered.token()));
  }

  // ---- the shapes an agent sends ----

  static ObjectNode plan(String goal, ObjectNode... steps) {
    ObjectNode plan = GovernorClient.object().put("goal", goal);
    plan.putArray("steps").addAll(List.of(steps));
    return plan;
  }

  static ObjectNode step(
      String id, String action, String target, String intent, String... provenance) {
    ObjectNode step =
        GovernorClient.object()
            .put("id", id)
            .put("action", action)
            .put("target", target)
            .put("intent", intent);
    ArrayNode sources = step.putArray("provenance");
    if (provenance.length == 0) {
      sources.add("user");
    } else {
      List.of(provenance).forEach(sources::add);
    }
    return step;
  }

  static ObjectNode task(String goal, String classification, String... scope) {
    ObjectNode task =
        GovernorClient.object().put("goal", goal).put("classification", classification);
    ArrayNode scopes = task.putArray("scope");
    List.of(scope).forEach(scopes::add);
    return task;
  }

  static ObjectNode succeeded(ObjectNode... evidence) {
    ObjectNode report = GovernorClient.object().put("status", "succeeded");
    if (evidence.length > 0) {
      report.putArray("evidence").addAll(List.of(evidence));
    }
    return report;
  }

  /** Evidence that a file was written: its path and the SHA-256 of what is in it now. */
  static ObjectNode fileEvidence(Path file) {
    ObjectNode evidence = GovernorClient.object().put("kind", "file");
    evidence
        .putArray("artifacts")
        .addObject()
        .put("path", file.toString())
        .put("sha256", sha256(file));
    return evidence;
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstRule(Decision decision) {
    return decision.findings().isEmpty() ? "no rule" : decision.findings().get(0).rule();
  }

  /**
   * The rule whose name holds {@code fragment}, or else the first finding's: the printout names the
   * rule that caught the story, whatever else also matched.
   */
  static String rule(Decision decision, String fragment) {
    return decision.findings().stream()
        .map(Decision.Finding::rule)
        .filter(rule -> rule.contains(fragment))
        .findFirst()
        .orElseGet(() -> firstRule(decision));
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
