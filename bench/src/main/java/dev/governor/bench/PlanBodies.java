package dev.governor.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The plans sent to both targets: a coding agent's three steps (read a file, write a file its grant
 * covers, commit). One in {@link #DENIED_EVERY} also writes outside its grants, so Governor's
 * findings-and-denial path is exercised too, as it would be in real traffic. Each body carries its
 * own idempotency key, so no two requests are byte-for-byte the same.
 */
final class PlanBodies {

  /** Every n-th plan has an uncovered write, which Governor denies. */
  static final int DENIED_EVERY = 10;

  /** What the benchmark agent is granted; the approved plan's writes fall under these. */
  static final List<String> GRANTS = List.of("fs.write:/repo/**", "git.commit:/repo/**");

  // The key goes first so that each body is a fixed tail behind a per-request head.
  private final String approvedTail = tail(commitStep());
  private final String deniedTail = tail(uncoveredWriteStep());
  private final String keyPrefix;

  /** Plans whose idempotency keys are {@code keyPrefix} and the request number. */
  PlanBodies(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /** The body of request number {@code n}; the same n gives the same plan on both targets. */
  Buffer body(long n) {
    String tail = deniedPlan(n) ? deniedTail : approvedTail;
    return Buffer.buffer("{\"idempotencyKey\":\"" + keyPrefix + n + "\"," + tail);
  }

  /** Whether request number {@code n} is the plan Governor should deny. */
  static boolean deniedPlan(long n) {
    return n % DENIED_EVERY == DENIED_EVERY - 1;
  }

  private static String tail(JsonObject thirdStep) {
    JsonObject plan =
        new JsonObject()
            .put("goal", "Bring the contributor guide up to date with the new review process")
            .put(
                "steps",
                new JsonArray()
                    .add(
                        step(
                                "read-guide",
                                "fs.read",
                                "/repo/CONTRIBUTING.md",
                                "Read the current contributor guide",
                                List.of("user"),
                                List.of())
                            .put("params", new JsonObject().put("encoding", "utf-8")))
                    .add(
                        step(
                                "write-guide",
                                "fs.write",
                                "/repo/docs/contributing.md",
                                "Write the revised guide with the new review steps",
                                List.of("user", "agent"),
                                List.of("read-guide"))
                            .put("params", new JsonObject().put("bytes", 4096).put("mode", "0644")))
                    .add(thirdStep));
    return plan.encode().substring(1);
  }

  private static JsonObject commitStep() {
    return step(
            "commit",
            "git.commit",
            "/repo/branches/docs-review",
            "Commit the revised guide on the docs-review branch",
            List.of("agent"),
            List.of("write-guide"))
        .put("params", new JsonObject().put("message", "docs: describe the new review process"));
  }

  private static JsonObject uncoveredWriteStep() {
    return step(
            "mirror",
            "fs.write",
            "/etc/apt/sources.list",
            "Point the package mirror at a local cache before the docs build",
            List.of("agent"),
            List.of("write-guide"))
        .put("params", new JsonObject().put("line", "deb http://127.0.0.1/debian stable main"));
  }

  private static JsonObject step(
      String id,
      String action,
      String target,
      String intent,
      List<String> provenance,
      List<String> dependsOn) {
    return new JsonObject()
        .put("id", id)
        .put("action", action)
        .put("target", target)
        .put("intent", intent)
        .put("provenance", new JsonArray(provenance))
        .put("dependsOn", new JsonArray(dependsOn));
  }
}
