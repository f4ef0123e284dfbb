package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The agents page, in a real browser against a real Governor. */
@DisplayName("The agents page, in a real browser")
class AgentsConsoleTest {

  private static final String ADMIN = "gvo_agents-console-admin";
  private static final String PASSWORD = "a long enough password";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);

  @Test
  @DisplayName(
      "An admin registers an agent in the form: its token is shown once and works, the agent is"
          + " listed; a malformed grant is named next to the grants")
  void registerAnAgent() {
    browser.signIn(ADMIN);
    browser.open("agents");
    browser.visible("#agents-empty");
    browser.driver().findElement(By.id("register-toggle")).click();

    type("#agent-name", "doc-writer");
    type("#agent-owner", "docs-team");
    choose("#agent-environment", "staging");
    type("#agent-grants", "fs.write");
    type("#budget-maxTokens", "5000");
    browser.driver().findElement(By.id("register-agent")).click();
    assertThat(browser.awaitText("#agent-grants-error", "a grant is").getText())
        .contains("\"fs.write\"");
    assertThat(governor.http().get("/api/v1/agents", ADMIN).json().getJsonArray("agents"))
        .isEmpty();

    browser.driver().findElement(By.id("agent-grants")).clear();
    type("#agent-grants", "fs.write:/repo/docs/**\ngit.push:repo:docs");
    browser.driver().findElement(By.id("register-agent")).click();

    WebElement box = browser.visible("#agent-token-box");
    assertThat(box.getText()).contains("will not be shown again", "doc-writer");
    assertThat(browser.visible("#copy-agent-token").getText()).isEqualTo("Copy");
    String token = browser.driver().findElement(By.id("agent-token")).getText();
    assertThat(token).startsWith("gva_");
    WebElement row = browser.awaitText("#agents-table", "doc-writer", "docs-team", "staging");
    assertThat(row.getText()).contains("0 / 5,000 tokens", "active", "closed");
    browser.screenshot("agent-registered");

    JsonObject listed =
        governor.http().get("/api/v1/agents", ADMIN).json().getJsonArray("agents").getJsonObject(0);
    assertThat(listed.getJsonArray("grants"))
        .containsExactly("fs.write:/repo/docs/**", "git.push:repo:docs");
    assertThat(listed.getJsonObject("budgets").getLong("maxTokens")).isEqualTo(5000L);
    Http.Reply itself = governor.http().get("/api/v1/agents/" + listed.getString("id"), token);
    assertThat(itself.status()).as("the token shown is the agent's").isEqualTo(200);
    WebElement link = browser.visible("#agents-table a.agent-link");
    assertThat(link.getAttribute("href")).endsWith("#/timeline/agent/" + listed.getString("id"));

    browser.driver().findElement(By.id("agent-token-done")).click();
    browser.awaitGone("#agent-token-box");
    assertThat(browser.driver().getPageSource()).doesNotContain(token);
  }

  @Test
  @DisplayName(
      "A circuit tripped by a budget shows open with its reason without a reload; reset from the"
          + " page, it is closed, and the API agrees")
  void tripAndResetACircuit() {
    browser.signIn(ADMIN);
    browser.open("agents");
    browser.visible("#agents-empty");
    JsonObject looper = register("looper", "production", new JsonObject().put("maxTokens", 1000));
    register("steady", "sandbox", new JsonObject().put("maxTokens", 5000).put("maxCostUsd", 2.0));
    String row = "tr[data-agent-id='" + looper.getString("id") + "']";
    // Sooner than the page's own re-reading (every 10 s): the live stream told it.
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> browser.driver().findElement(By.cssSelector(row)).getText().contains("looper"));

    Http.Reply tripped = governor.telemetry(looper, CircuitTest.tokens(900, 300));
    assertThat(tripped.json().getJsonObject("circuit").getString("state")).isEqualTo("OPEN");

    WebElement shown =
        browser.awaitText(row, "paused", "open", "budget", "1200 tokens used, budget 1000");
    assertThat(shown.getText()).contains("1,200 / 1,000 tokens");
    assertThat(shown.findElements(By.cssSelector("button.pause"))).isEmpty();
    browser.screenshot("agents");

    choose("#filter-status", "active");
    await()
        .atMost(ConsoleBrowser.PATIENCE)
        .until(() -> browser.all("#agents-table tr[data-agent-id]").size() == 1);
    assertThat(browser.awaitText("#agents-table", "steady").getText()).doesNotContain("looper");
    choose("#filter-status", "");
    browser.visible(row);

    browser.visible(row + " button.reset-circuit").click();
    browser.awaitText(row, "active", "closed");
    browser.visible(row + " button.pause");
    JsonObject agent =
        governor.http().get("/api/v1/agents/" + looper.getString("id"), ADMIN).json();
    assertThat(agent.getJsonObject("circuit").getString("state")).isEqualTo("CLOSED");
    assertThat(agent.getString("status")).isEqualTo("active");
  }

  @Test
  @DisplayName("Pause, resume and a confirmed abort from the page reach the agent's command stream")
  void pauseResumeAbort() throws Exception {
    JsonObject agent = register("worker", "staging", new JsonObject());
    String row = "tr[data-agent-id='" + agent.getString("id") + "']";
    try (CommandStream stream =
        CommandStream.open(
            governor.port(),
            "/api/v1/agents/" + agent.getString("id") + "/commands",
            agent.getString("token"),
            null)) {
      browser.signIn(ADMIN);
      browser.open("agents");

      browser.visible(row + " button.pause").click();
      await().atMost(ConsoleBrowser.PATIENCE).until(() -> stream.commands().contains("pause"));
      browser.awaitText(row, "paused", "operator", "paused by admin");

      browser.visible(row + " button.resume").click();
      await()
          .atMost(ConsoleBrowser.PATIENCE)
          .until(() -> stream.commands().equals(List.of("pause", "resume")));
      browser.awaitText(row, "active", "closed");

      browser.visible(row + " button.abort").click();
      assertThat(browser.visible(row + " .confirm").getText()).contains("Abort worker");
      browser.driver().findElement(By.cssSelector(row + " button.cancel-abort")).click();
      browser.awaitGone(row + " .confirm");
      browser.visible(row + " button.abort").click();
      browser.visible(row + " button.confirm-abort").click();
      await()
          .atMost(ConsoleBrowser.PATIENCE)
          .until(() -> stream.commands().equals(List.of("pause", "resume", "abort")));
      browser.awaitText("#notice", "Worker was told to abort");

      browser.visible(row + " button.pause");
      Http.Reply refused =
          governor
              .http()
              .post("/api/v1/agents/" + agent.getString("id") + "/circuit/reset", ADMIN, "{}");
      assertThat(refused.status()).as("nothing to reset: the page offers no reset").isEqualTo(409);
      assertThat(browser.all(row + " button.reset-circuit")).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "An admin changes an agent's budgets in its row (a budget the form does not show is kept; a"
          + " bad figure is refused and changes nothing); an approver is not offered it")
  void changeBudgets() {
    JsonObject agent =
        register(
            "spender",
            "staging",
            new JsonObject()
                .put("maxTokens", 1000)
                .put("maxStepsPerPlan", 5)
                .put("maxErrorRate", 0.5));
    String id = agent.getString("id");
    String row = "tr[data-agent-id='" + id + "']";
    browser.signIn(ADMIN);
    browser.open("agents");

    browser.visible(row + " button.edit-budgets").click();
    WebElement tokens = browser.visible(row + " input.budget-maxTokens");
    assertThat(tokens.getAttribute("value")).isEqualTo("1000");
    tokens.clear();
    tokens.sendKeys("5000");
    browser.visible(row + " input.budget-maxStepsPerPlan").clear();
    browser.visible(row + " input.budget-maxCostUsd").sendKeys("2.5");
    browser.screenshot("agent-budgets");
    browser.visible(row + " button.save-budgets").click();

    browser.awaitText(row, "0 / 5,000 tokens", "$0.00 / $2.50");
    browser.awaitText("#notice", "The budgets of spender were changed");
    JsonObject budgets = budgetsOf(id);
    assertThat(budgets.getLong("maxTokens")).isEqualTo(5000L);
    assertThat(budgets.getDouble("maxCostUsd")).isEqualTo(2.5);
    assertThat(budgets.containsKey("maxStepsPerPlan")).as("emptied: no limit").isFalse();
    assertThat(budgets.getDouble("maxErrorRate")).as("not on the form: kept").isEqualTo(0.5);

    browser.visible(row + " button.edit-budgets").click();
    browser.visible(row + " input.budget-maxActionDepth").sendKeys("0");
    browser.visible(row + " button.save-budgets").click();
    browser.awaitText(row + " .row-error", "Steps per task: a whole number of at least 1");
    browser.visible(row + " button.cancel-budgets").click();
    browser.awaitGone(row + " .budget-editor");
    assertThat(budgetsOf(id)).isEqualTo(budgets);

    governor.operator("ana", PASSWORD, "approver");
    browser.visible("#sign-out").click();
    browser.visible("#name");
    browser.signIn("ana", PASSWORD);
    browser.open("agents");
    browser.visible(row + " button.pause");
    assertThat(browser.all(row + " button.edit-budgets")).isEmpty();
  }

  @Test
  @DisplayName("A viewer sees the agents but no action buttons and no registration form")
  void aViewerOnlyLooks() {
    JsonObject agent = register("watched", "staging", new JsonObject().put("maxTokens", 10));
    governor.telemetry(agent, CircuitTest.tokens(20, 0));
    governor.operator("vera", PASSWORD, "viewer");

    browser.signIn("vera", PASSWORD);
    browser.open("agents");
    browser.awaitText("#agents-table", "watched", "paused", "open");
    assertThat(browser.all("#agents-table button")).isEmpty();
    assertThat(browser.all("#agents-table th"))
        .extracting(WebElement::getText)
        .doesNotContain("Actions");
    assertThat(browser.driver().findElement(By.id("register")).isDisplayed()).isFalse();
    assertThat(browser.all("#nav a[data-route='operators']"))
        .allSatisfy(a -> assertThat(a.isDisplayed()).isFalse());
  }

  private JsonObject budgetsOf(String agentId) {
    return governor.http().get("/api/v1/agents/" + agentId, ADMIN).json().getJsonObject("budgets");
  }

  private void type(String css, String text) {
    browser.visible(css).sendKeys(text);
  }

  /** Picks an option of a select as a person would, change event included. */
  private void choose(String css, String value) {
    browser.script(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1];"
            + " s.dispatchEvent(new Event('change', {bubbles: true}));",
        css,
        value);
  }

  private JsonObject register(String name, String environment, JsonObject budgets) {
    return governor.register(
        ReviewLoopTest.registration(name, environment).put("budgets", budgets));
  }
}
