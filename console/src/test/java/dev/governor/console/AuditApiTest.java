package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading the audit log: in order after a position, backwards before one, and filtered. */
class AuditApiTest {

  static final String ADMIN = "gvo_audit-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  private JsonObject reader;
  private JsonObject writer;

  @BeforeEach
  void twoAgentsWithPlans() {
    reader = register("reader");
    writer = register("writer");
    for (int i = 0; i < 3; i++) {
      submit(reader);
    }
    submit(writer);
  }

  @Test
  @DisplayName("after and limit read oldest first as before, with more telling if more follow")
  void forwardsAsBefore() {
    JsonObject first = audit("?after=0&limit=3");
    assertThat(seqs(first)).containsExactly(1L, 2L, 3L);
    assertThat(first.getLong("next")).isEqualTo(3L);
    assertThat(first.getBoolean("more")).isTrue();
    JsonObject entry = first.getJsonArray("entries").getJsonObject(0);
    assertThat(entry.fieldNames())
        .contains("seq", "at", "type", "actor", "subject", "payload", "prevHash", "hash");

    long total = governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
    JsonObject last = audit("?after=" + (total - 2) + "&limit=5");
    assertThat(seqs(last)).containsExactly(total - 1, total);
    assertThat(last.getBoolean("more")).isFalse();
  }

  @Test
  @DisplayName("order=desc pages backwards with before until more is false, covering every entry")
  void backwards() {
    List<Long> all = seqs(audit("?limit=1000"));

    List<Long> backwards = new ArrayList<>();
    JsonObject page = audit("?order=desc&limit=4");
    backwards.addAll(seqs(page));
    int pages = 1;
    while (page.getBoolean("more")) {
      assertThat(seqs(page)).hasSize(4);
      page = audit("?order=desc&limit=4&before=" + page.getLong("next"));
      backwards.addAll(seqs(page));
      pages++;
    }

    assertThat(pages).isGreaterThan(2);
    List<Long> newestFirst = new ArrayList<>(all);
    Collections.reverse(newestFirst);
    assertThat(backwards).isEqualTo(newestFirst);
  }

  @Test
  @DisplayName("type, actor and subject each keep only the entries that match, and combine")
  void filters() {
    String readerActor = "agent:" + reader.getString("id");

    JsonObject plans = audit("?type=plan.received");
    assertThat(types(plans)).hasSize(4).containsOnly("plan.received");

    JsonObject byReader = audit("?actor=" + readerActor);
    assertThat(actors(byReader)).hasSize(3).containsOnly(readerActor);

    JsonObject aboutWriter = audit("?subject=agent:" + writer.getString("id"));
    assertThat(types(aboutWriter)).containsExactly("agent.registered");

    JsonObject newestDecisionOfAll = audit("?type=decision.made&order=desc&limit=1");
    assertThat(types(newestDecisionOfAll)).containsExactly("decision.made");
    assertThat(newestDecisionOfAll.getBoolean("more")).isTrue();
    assertThat(
            newestDecisionOfAll
                .getJsonArray("entries")
                .getJsonObject(0)
                .getJsonObject("payload")
                .getString("agentId"))
        .isEqualTo(writer.getString("id"));

    assertThat(types(audit("?type=plan.received&actor=" + readerActor))).hasSize(3);
    assertThat(seqs(audit("?type=plan.received&actor=agent:nobody"))).isEmpty();
  }

  @Test
  @DisplayName("An unknown order is a 400; an agent may not read the audit log")
  void refusals() {
    Http.Reply sideways = governor.http().get("/api/v1/audit?order=sideways", ADMIN);
    assertThat(sideways.status()).isEqualTo(400);
    Http.Reply byAgent = governor.http().get("/api/v1/audit?type=x", reader.getString("token"));
    assertThat(byAgent.status()).isEqualTo(403);
  }

  private JsonObject register(String name) {
    Http.Reply reply =
        governor.http().post("/api/v1/agents", ADMIN, ReviewLoopTest.registration(name, "sandbox"));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  private void submit(JsonObject agent) {
    Http.Reply reply =
        governor
            .http()
            .post(
                ReviewLoopTest.plansOf(agent), agent.getString("token"), ReviewLoopTest.readPlan());
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
  }

  private JsonObject audit(String query) {
    Http.Reply reply = governor.http().get("/api/v1/audit" + query, ADMIN);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }

  private static List<Long> seqs(JsonObject page) {
    return field(page, "seq").stream().map(v -> ((Number) v).longValue()).toList();
  }

  private static List<Object> types(JsonObject page) {
    return field(page, "type");
  }

  private static List<Object> actors(JsonObject page) {
    return field(page, "actor");
  }

  private static List<Object> field(JsonObject page, String name) {
    JsonArray entries = page.getJsonArray("entries");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      values.add(entries.getJsonObject(i).getValue(name));
    }
    return values;
  }
}
