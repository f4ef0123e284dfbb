package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The rule editor, in a real browser: an author's whole round, and a viewer who may only read. */
@DisplayName("The rule editor, in a real browser")
class RuleEditorConsoleTest {

  private static final String ADMIN = "gvo_rule-editor-admin";
  private static final String PASSWORD = "a long enough password";
  private static final String EDITOR = "#editor-host .CodeMirror";

  /**
   * Appended to reads.drl (11 lines and a trailing newline), so the new rule starts on line 13 and
   * its pattern, missing the value after {@code matches}, is line 15.
   */
  private static final String BROKEN_RULE =
      """

      rule "Reading a secret needs a person"
      when
          $step : Step( effect == "read", target matches )
      then
          insert( Finding.escalate( drools.getRule().getName(), $step, "reads a secret" ) );
      end
      """;

  private static final int BROKEN_LINE = 15;

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);

  @Test
  @DisplayName(
      "An author finds a syntax error on its line, fixes it, saves, backtests, activates, and re-activates the previous version")
  void authorRound() {
    JsonObject agent = register("vault-reader");
    List<String> secretPlans =
        List.of(
            submit(agent, secretRead("secret:db-password")),
            submit(agent, secretRead("secret:api")));
    submit(agent, ReviewLoopTest.readPlan());

    browser.signIn(ADMIN);
    browser.script(
        "window.cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation',"
            + " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
    browser.open("rules");
    browser.visible(EDITOR);
    browser.awaitText("#editor-title", "Version 1");
    assertThat(browser.script("return window.cspViolations"))
        .as("CodeMirror loads and draws under the console's Content-Security-Policy")
        .asList()
        .isEmpty();
    assertThat(browser.all(EDITOR + " .cm-keyword")).as("DRL keywords highlighted").isNotEmpty();
    assertThat(browser.visible("#rule-versions li[data-version='1']").getText())
        .contains("active", "by governor");
    browser.driver().findElement(By.cssSelector("#file-tabs [data-file='reads.drl']")).click();
    browser.awaitText("#file-tabs .current", "reads.drl");
    browser.screenshot("rules");

    browser.script(
        "const cm = document.querySelector(arguments[0]).CodeMirror;"
            + "cm.replaceRange(arguments[1], {line: cm.lastLine(), ch: 0});",
        EDITOR,
        BROKEN_RULE);
    browser.awaitText("#editor-title", "Draft from version 1");
    click("#validate-rules");

    WebElement errorItem = browser.visible("#rule-errors li.rule-error");
    assertThat(errorItem.getText()).contains("reads.drl:" + BROKEN_LINE + ":");
    WebElement errorLine = browser.visible(EDITOR + " .drl-error-line");
    assertThat(errorLine.findElement(By.cssSelector(".CodeMirror-linenumber")).getText())
        .isEqualTo(String.valueOf(BROKEN_LINE));
    assertThat(errorLine.getText()).contains("target matches )");
    assertThat(browser.visible(EDITOR + " .drl-error-message").getText())
        .contains("no viable alternative");
    assertThat(browser.all(EDITOR + " .drl-error-marker")).hasSize(1);
    browser.awaitText("#validation-summary", "1 error");
    browser.script("arguments[0].scrollIntoView({block: 'center'})", errorLine);
    browser.screenshot("rules-error");

    // The error in the list puts the cursor where the value is missing; the author types it there.
    errorItem.findElement(By.cssSelector("button.jump")).click();
    browser.driver().switchTo().activeElement().sendKeys("\"secret:.*\" ");
    assertThat(lineText(BROKEN_LINE))
        .isEqualTo("    $step : Step( effect == \"read\", target matches \"secret:.*\" )");
    click("#validate-rules");
    browser.awaitText("#validation-summary", "Valid: it compiles");
    browser.awaitGone(EDITOR + " .drl-error-line");
    assertThat(browser.all("#rule-errors li")).isEmpty();
    assertThat(browser.all("#test-results li.test-result.pass")).isNotEmpty();
    assertThat(browser.all("#test-results li.test-result.fail")).isEmpty();
    assertThat(browser.visible("#tests-head").getText()).matches("Tests: (\\d+) of \\1 pass");

    browser.driver().findElement(By.id("rule-comment")).sendKeys("secret reads need a person");
    click("#save-version");
    browser.awaitText("#editor-title", "Version 2");
    browser.awaitText("#file-tabs .current", "reads.drl");
    browser.awaitText("#rule-versions li[data-version='2']", "secret reads need a person", "admin");
    JsonObject listing = governor.http().get("/api/v1/rulesets", ADMIN).json();
    assertThat(listing.getInteger("active")).as("saving does not activate").isEqualTo(1);
    assertThat(
            listing
                .getJsonArray("versions")
                .getJsonObject(0)
                .getJsonObject("files")
                .getString("reads.drl"))
        .contains("target matches \"secret:.*\"");

    WebElement limit = browser.driver().findElement(By.id("backtest-limit"));
    limit.sendKeys(Keys.chord(Keys.CONTROL, "a"), "10");
    click("#backtest");
    browser.awaitText("#backtest-summary", "would have decided 2 of the last 3 plans differently");
    List<WebElement> changed = browser.all("#backtest-result tr.changed-plan");
    assertThat(changed)
        .extracting(row -> row.getAttribute("data-plan-id"))
        .containsExactlyInAnyOrderElementsOf(secretPlans);
    assertThat(changed.get(0).getText())
        .contains("vault-reader", "read a secret", "approved", "escalated")
        .contains("Reading a secret needs a person");
    browser.script(
        "arguments[0].scrollIntoView({block: 'start'})", browser.visible("#backtest-result"));
    browser.screenshot("rules-backtest");

    click("#activate-version");
    browser.awaitText("#rules-confirm", "Activate version 2?", "instead of version 1");
    click("#confirm-yes");
    browser.awaitText("#notice", "Version 2 is now the active rule set");
    assertThat(activeVersion()).isEqualTo(2);
    assertThat(submitVerdict(agent, secretRead("secret:new"))).isEqualTo("ESCALATED");
    browser.awaitText("#rule-versions li[data-version='2']", "active");

    WebElement first = browser.visible("#rule-versions li[data-version='1'] button.reactivate");
    first.click();
    browser.awaitText("#rules-confirm", "Activate version 1?");
    browser.script("window.scrollTo(0, 0)");
    browser.screenshot("rules-history");
    click("#confirm-yes");
    browser.awaitText("#notice", "Version 1 is now the active rule set");
    assertThat(activeVersion()).isEqualTo(1);
    browser.awaitText("#rule-versions li[data-version='1']", "active");
    assertThat(browser.all("#rule-versions li[data-version='1'] button.reactivate")).isEmpty();
    assertThat(browser.all("#rule-versions li[data-version='2'] button.reactivate")).hasSize(1);
    assertThat(submitVerdict(agent, secretRead("secret:newer"))).isEqualTo("APPROVED");
    assertThat(browser.script("return window.cspViolations")).asList().isEmpty();
  }

  @Test
  @DisplayName("A viewer reads the active rule set but cannot edit, save or activate")
  void viewerReadsOnly() {
    governor.operator("vera", PASSWORD, "viewer");

    browser.signIn("vera", PASSWORD);
    browser.open("rules");
    browser.visible(EDITOR);
    browser.awaitText("#editor-title", "Version 1");
    browser.visible("#rules-read-only");
    assertThat(
            browser.script(
                "return document.querySelector(arguments[0]).CodeMirror.getOption('readOnly')",
                EDITOR))
        .isEqualTo(true);
    String before = editorText();
    browser.driver().findElement(By.cssSelector(EDITOR + " .CodeMirror-line")).click();
    browser.driver().switchTo().activeElement().sendKeys("typed by a viewer");
    assertThat(editorText()).isEqualTo(before);
    assertThat(browser.driver().findElement(By.id("author-controls")).isDisplayed()).isFalse();
    for (String control : List.of("#validate-rules", "#save-version", "#activate-version")) {
      assertThat(browser.driver().findElement(By.cssSelector(control)).isDisplayed())
          .as(control)
          .isFalse();
    }
    assertThat(browser.all("button.reactivate")).isEmpty();
    browser.screenshot("rules-viewer");
  }

  private void click(String css) {
    await(css + " enabled")
        .atMost(ConsoleBrowser.PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.visible(css), WebElement::isEnabled)
        .click();
  }

  private String lineText(int line) {
    return (String)
        browser.script(
            "return document.querySelector(arguments[0]).CodeMirror.getLine(arguments[1] - 1)",
            EDITOR,
            line);
  }

  private String editorText() {
    return (String)
        browser.script("return document.querySelector(arguments[0]).CodeMirror.getValue()", EDITOR);
  }

  private int activeVersion() {
    return governor.http().get("/api/v1/rulesets", ADMIN).json().getInteger("active");
  }

  private static JsonObject secretRead(String target) {
    return new JsonObject()
        .put("goal", "read a secret")
        .put(
            "steps",
            new JsonArray().add(ReviewLoopTest.step("s1", "vault.read", target, "read it")));
  }

  private JsonObject register(String name) {
    Http.Reply reply =
        governor
            .http()
            .post("/api/v1/agents", ADMIN, ReviewLoopTest.registration(name, "production"));
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  /** Submits a plan that version 1 approves, and answers its id. */
  private String submit(JsonObject agent, JsonObject plan) {
    Http.Reply reply =
        governor.http().post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(200);
    assertThat(reply.json().getString("verdict")).isEqualTo("APPROVED");
    return reply.json().getString("planId");
  }

  private String submitVerdict(JsonObject agent, JsonObject plan) {
    return governor
        .http()
        .post(ReviewLoopTest.plansOf(agent), agent.getString("token"), plan)
        .json()
        .getString("verdict");
  }
}
