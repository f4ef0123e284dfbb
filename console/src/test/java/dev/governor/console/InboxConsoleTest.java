package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The inbox beyond one approval: several alike answered at once, the settled ones searched, what a
 * card tells about the agent's past and the targets' origin, and a viewer who may only look.
 */
@DisplayName("The escalation inbox, in a real browser")
class InboxConsoleTest {

  private static final String ADMIN = "gvo_inbox-console-admin";
  private static final String PASSWORD = "a long enough password";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);

  @Test
  @DisplayName(
      "Three alike escalations are approved at once, each waiting agent hears, then all are found among the resolved")
  void approveSeveralAlikeAtOnce() throws Exception {
    browser.signIn(ADMIN);
    browser.visible("#inbox-empty");

    List<JsonObject> agents = new ArrayList<>();
    List<CompletableFuture<Http.Reply>> waiting = new ArrayList<>();
    for (String name : List.of("rebuilder-a", "rebuilder-b", "rebuilder-c")) {
      JsonObject agent = register(name);
      agents.add(agent);
      JsonObject decision = submit(agent, ReviewLoopTest.environmentDeletionPlan());
      assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
      waiting.add(
          governor
              .http()
              .getAsync(
                  "/api/v1/plans/" + decision.getString("planId") + "/decision?wait=30",
                  agent.getString("token")));
    }
    await().atMost(ConsoleBrowser.PATIENCE).until(() -> browser.all("li.escalation").size() == 3);
    browser.screenshot("inbox");

    WebElement first = browser.all("li.escalation").get(0);
    WebElement alike = first.findElement(By.cssSelector(".select-alike"));
    assertThat(alike.getText()).isEqualTo("Select all 3 alike");
    alike.click();
    browser.awaitText("#batch-count", "3 selected");
    browser.driver().findElement(By.id("batch-reason")).sendKeys("planned rebuild, ticket OPS-7");
    browser.screenshot("inbox-batch");
    browser.driver().findElement(By.id("batch-approve")).click();

    for (CompletableFuture<Http.Reply> poll : waiting) {
      Http.Reply answer = poll.get(15, TimeUnit.SECONDS);
      assertThat(answer.json().getString("verdict")).isEqualTo("APPROVED");
      assertThat(answer.json().getString("reason")).isEqualTo("planned rebuild, ticket OPS-7");
    }
    browser.visible("#inbox-empty");
    browser.awaitText("#notice", "Approved 3 plans");
    JsonArray audit =
        governor.http().get("/api/v1/audit?limit=1000", ADMIN).json().getJsonArray("entries");
    assertThat(
            audit.stream()
                .map(JsonObject.class::cast)
                .filter(e -> e.getString("type").startsWith("escalation."))
                .filter(e -> e.getString("actor").contains("admin"))
                .count())
        .as("each escalation answered is its own audit entry with the operator's name")
        .isGreaterThanOrEqualTo(3);

    browser.driver().findElement(By.id("tab-resolved")).click();
    browser.visible("#resolved-view");
    await()
        .atMost(ConsoleBrowser.PATIENCE)
        .until(() -> browser.all("#resolved-results tr[data-escalation-id]").size() == 3);
    WebElement query = browser.driver().findElement(By.id("resolved-query"));
    query.sendKeys("rebuilder-b\n");
    await()
        .atMost(ConsoleBrowser.PATIENCE)
        .ignoreExceptions()
        .until(
            () -> {
              List<WebElement> rows = browser.all("#resolved-results tr[data-escalation-id]");
              return rows.size() == 1 && rows.get(0).getText().contains("rebuilder-b");
            });
    assertThat(browser.awaitText("#resolved-results", "approved", "OPS-7").getText())
        .contains("admin");
    browser.screenshot("inbox-resolved");
    query.clear();
    query.sendKeys("no-such-agent\n");
    browser.awaitText("#resolved-results", "No resolved escalation matches");
  }

  @Test
  @DisplayName("A card shows the agent's earlier plans and which targets an agent created")
  void aCardShowsHistoryAndProvenance() throws Exception {
    JsonObject agent = register("historian");
    assertThat(submit(agent, ReviewLoopTest.readPlan()).getString("verdict")).isEqualTo("APPROVED");
    JsonObject decision = submit(agent, ReviewLoopTest.environmentDeletionPlan());
    browser.signIn(ADMIN);

    WebElement card =
        browser.visible("[data-escalation-id='" + decision.getString("escalationId") + "']");
    assertThat(card.findElement(By.cssSelector(".history")).getText())
        .contains("approved", "look around");
    assertThat(card.findElement(By.cssSelector(".target .origin")).getText())
        .isEqualTo("not created by an agent");
  }

  @Test
  @DisplayName("A viewer sees the escalation but no approve button, and the API refuses the viewer")
  void aViewerCannotApprove() throws Exception {
    JsonObject vera = governor.operator("vera", PASSWORD, "viewer");
    JsonObject decision = submit(register("watched"), ReviewLoopTest.environmentDeletionPlan());
    String escalationId = decision.getString("escalationId");

    browser.signIn("vera", PASSWORD);
    WebElement card = browser.visible("[data-escalation-id='" + escalationId + "']");
    assertThat(card.findElements(By.cssSelector("button.approve, button.deny, .reason, .select")))
        .isEmpty();
    assertThat(card.getText()).contains("needs the approver role");
    browser.screenshot("inbox-viewer");

    Http.Reply refused =
        governor
            .http()
            .post(
                "/api/v1/escalations/" + escalationId + "/resolve",
                vera.getString("token"),
                new JsonObject().put("resolution", "approve").put("reason", "looks fine"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
    assertThat(
            governor
                .http()
                .get("/api/v1/escalations/" + escalationId, ADMIN)
                .json()
                .getString("status"))
        .isEqualTo("PENDING");
  }

  @Test
  @DisplayName(
      "Searching escalations matches agent, target and reason, ignoring case, and % is no wildcard")
  void searchOverHttp() {
    JsonObject agent = register("Searchable-Bot");
    String escalationId =
        submit(agent, ReviewLoopTest.environmentDeletionPlan()).getString("escalationId");
    assertThat(
            governor
                .http()
                .post(
                    "/api/v1/escalations/" + escalationId + "/resolve",
                    ADMIN,
                    new JsonObject()
                        .put("resolution", "deny")
                        .put("reason", "Not during the freeze"))
                .status())
        .isEqualTo(200);

    for (String query : List.of("searchable", "ENV:MAIN", "freeze", "admin")) {
      assertThat(resolvedMatching(query)).as(query).containsExactly(escalationId);
    }
    assertThat(resolvedMatching("%")).isEmpty();
    assertThat(resolvedMatching("nothing like it")).isEmpty();
    assertThat(
            governor
                .http()
                .get("/api/v1/escalations?status=pending&q=searchable", ADMIN)
                .json()
                .getJsonArray("escalations"))
        .isEmpty();
  }

  private List<String> resolvedMatching(String query) {
    Http.Reply reply =
        governor
            .http()
            .get(
                "/api/v1/escalations?status=resolved&q="
                    + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8),
                ADMIN);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json().getJsonArray("escalations").stream()
        .map(JsonObject.class::cast)
        .map(e -> e.getString("id"))
        .toList();
  }

  private JsonObject register(String name) {
    Http.Reply reply =
        governor
            .http()
            .post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration(name, "staging")
                    .put("grants", new JsonArray().add("env.*:**")));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  private JsonObject submit(JsonObject agent, JsonObject plan) {
    Http.Reply reply =
        governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    return reply.json();
  }
}
