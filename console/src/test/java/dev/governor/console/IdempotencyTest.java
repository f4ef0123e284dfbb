package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plans under an idempotency key: a retry gets the recorded decision, never a second one. */
class IdempotencyTest {

  static final String ADMIN = "idempotency-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  @Test
  @DisplayName(
      "100 concurrent submissions of one plan under one key make one decision and one audit entry")
  void concurrentRetriesMakeOneDecision() {
    JsonObject agent = register("retrier");
    long before = auditEntries();
    ExecutorService senders = Executors.newFixedThreadPool(16);
    List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      replies.add(
          CompletableFuture.supplyAsync(
              () ->
                  governor
                      .http()
                      .post(
                          ReviewLoopTest.plansOf(agent),
                          agent.getString("token"),
                          plan("key-1", "/tmp/a")),
              senders));
    }
    List<Http.Reply> answers = replies.stream().map(CompletableFuture::join).toList();
    senders.shutdown();

    assertThat(answers)
        .allSatisfy(reply -> assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200));
    assertThat(answers.stream().map(r -> r.json().getString("planId")).distinct()).hasSize(1);
    assertThat(answers.stream().map(r -> r.json().getLong("auditSeq")).distinct()).hasSize(1);
    JsonArray entries =
        governor
            .http()
            .get("/api/v1/audit?after=" + before + "&limit=1000", ADMIN)
            .json()
            .getJsonArray("entries");
    assertThat(entries.stream().map(e -> ((JsonObject) e).getString("type")))
        .containsExactly("plan.received", "decision.made");
  }

  @Test
  @DisplayName("The same key with a different plan is a conflict, and records nothing")
  void changedPlanUnderSameKeyConflicts() {
    JsonObject agent = register("retrier");
    assertThat(submit(agent, plan("key-2", "/tmp/a")).status()).isEqualTo(200);
    long before = auditEntries();

    Http.Reply changed = submit(agent, plan("key-2", "/tmp/b"));

    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.errorCode()).isEqualTo("idempotency_conflict");
    assertThat(auditEntries()).isEqualTo(before);
  }

  @Test
  @DisplayName("A retry after a restart gets the recorded decision; another agent's key is its own")
  void retryAfterRestart() throws Exception {
    JsonObject agent = register("retrier");
    JsonObject other = register("other");
    JsonObject first = submit(agent, plan("key-3", "/tmp/a")).json();
    governor.restart();
    long before = auditEntries();

    Http.Reply retry = submit(agent, plan("key-3", "/tmp/a"));

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getString("planId")).isEqualTo(first.getString("planId"));
    assertThat(retry.json().getString("verdict")).isEqualTo(first.getString("verdict"));
    assertThat(auditEntries()).isEqualTo(before);
    Http.Reply others = submit(other, plan("key-3", "/tmp/a"));
    assertThat(others.json().getString("planId")).isNotEqualTo(first.getString("planId"));
  }

  private JsonObject register(String name) {
    return governor
        .http()
        .post(
            "/api/v1/agents",
            ADMIN,
            ReviewLoopTest.registration(name, "sandbox")
                .put("grants", new JsonArray().add("fs.write:/tmp/**")))
        .json();
  }

  private Http.Reply submit(JsonObject agent, JsonObject plan) {
    return governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
  }

  private static JsonObject plan(String key, String target) {
    return new JsonObject()
        .put("idempotencyKey", key)
        .put("goal", "write notes")
        .put(
            "steps",
            new JsonArray().add(ReviewLoopTest.step("s1", "fs.write", target, "write my notes")));
  }

  private long auditEntries() {
    return governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }
}
