package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.rules.DefaultLibrary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activation is atomic: reviews run without pause through 50 activations, none fails, and each is
 * decided wholly by the version it names. Version 2 adds a marker rule to every step, so a review
 * that names version 2 without the marker, or version 1 with it, saw half a rule set.
 */
class ActivationUnderLoadTest {

  static final String ADMIN = "activation-admin";
  static final String MARKER = "Every step carries the version 2 marker";
  static final String MARKER_RULE =
      """
      package governor.policy.marker

      import dev.governor.rules.model.Step
      import dev.governor.rules.model.Finding

      rule "Every step carries the version 2 marker"
      when
          $step : Step()
      then
          insert( Finding.approve( drools.getRule().getName(), $step, "marker" ) );
      end
      """;

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  @Test
  @DisplayName(
      "Reviews run through 50 activations with no failure and no review decided by half a rule set")
  void activationIsAtomicUnderLoad() {
    JsonObject agent =
        governor
            .http()
            .post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration("busy", "sandbox")
                    .put("grants", new JsonArray().add("fs.write:/tmp/**")))
            .json();
    JsonObject files =
        new JsonObject(new HashMap<String, Object>(DefaultLibrary.files()))
            .put("marker.drl", MARKER_RULE);
    assertThat(
            governor
                .http()
                .post("/api/v1/rulesets", ADMIN, new JsonObject().put("files", files))
                .json()
                .getInteger("version"))
        .isEqualTo(2);

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger reviews = new AtomicInteger();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    ExecutorService reviewers = Executors.newFixedThreadPool(4);
    List<CompletableFuture<Void>> load = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      load.add(
          CompletableFuture.runAsync(
              () -> {
                while (running.get()) {
                  Http.Reply reply =
                      governor
                          .http()
                          .post(
                              ReviewLoopTest.plansOf(agent), agent.getString("token"), writePlan());
                  reviews.incrementAndGet();
                  if (reply.status() != 200) {
                    problems.add("status " + reply.status() + ": " + reply.json().encode());
                    continue;
                  }
                  int version = reply.json().getInteger("ruleSetVersion");
                  boolean marked =
                      reply.json().getJsonArray("findings").stream()
                          .anyMatch(f -> MARKER.equals(((JsonObject) f).getString("rule")));
                  if ((version == 2) != marked
                      || !"APPROVED".equals(reply.json().getString("verdict"))) {
                    problems.add(
                        "version "
                            + version
                            + " with marker "
                            + marked
                            + ": "
                            + reply.json().encode());
                  }
                }
              },
              reviewers));
    }

    for (int i = 0; i < 50; i++) {
      int version = i % 2 == 0 ? 2 : 1;
      Http.Reply activated =
          governor.http().post("/api/v1/rulesets/" + version + "/activate", ADMIN, "");
      assertThat(activated.status()).as(activated.json().encode()).isEqualTo(200);
    }
    running.set(false);
    load.forEach(CompletableFuture::join);
    reviewers.shutdown();

    assertThat(problems).isEmpty();
    assertThat(reviews.get()).isGreaterThan(50);
    assertThat(governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active"))
        .isEqualTo(1);
  }

  private static JsonObject writePlan() {
    return new JsonObject()
        .put("goal", "write notes")
        .put(
            "steps",
            new JsonArray()
                .add(ReviewLoopTest.step("s1", "fs.read", "/tmp/a", "read"))
                .add(ReviewLoopTest.step("s2", "fs.write", "/tmp/b", "write")));
  }
}
