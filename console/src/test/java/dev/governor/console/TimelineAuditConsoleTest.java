package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The timeline and audit pages, in a real browser over a real Governor. */
@DisplayName("Timelines and the audit log, in a real browser")
class TimelineAuditConsoleTest {

  private static final String ADMIN = "gvo_timeline-console-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);
  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @TempDir Path dir;

  @Test
  @DisplayName(
      "An agent's timeline shows its plan, the decision's findings and its commands, and a new plan"
          + " live; its task's timeline shows the step's checked evidence and the gate")
  void agentAndTaskTimelines() {
    TimelineApiTest.Story story = TimelineApiTest.story(fixture, dir, ADMIN);
    JsonObject agent = story.agent();
    browser.signIn(ADMIN);

    go("#/timeline/agent/" + agent.getString("id"));
    browser.awaitText("#timeline-title", "coder", "staging");
    browser.awaitText("#timeline-events", "delete and recreate the environment");
    WebElement escalated =
        await("the escalated decision")
            .atMost(ConsoleBrowser.PATIENCE)
            .ignoreExceptions()
            .until(
                () ->
                    browser.all("#timeline-events li[data-kind='decision']").stream()
                        .filter(row -> row.getText().contains("ESCALATED"))
                        .findFirst()
                        .orElse(null),
                row -> row != null);
    assertThat(escalated.getText()).contains("2 findings");
    escalated.findElement(By.cssSelector("details > summary")).click();
    WebElement finding = browser.visible("#timeline-events li.event-decision .finding");
    assertThat(finding.getText()).contains("s1").containsIgnoringCase("escalated");
    List<WebElement> commands = browser.all("#timeline-events li[data-kind='command']");
    assertThat(commands).hasSize(2);
    assertThat(commands.get(0).getText()).contains("Command resume");
    assertThat(commands.get(1).getText()).contains("Command pause");
    assertThat(browser.all("#timeline-events li[data-kind='circuit']").get(1).getText())
        .contains("Circuit tripped (operator)");
    browser.script("arguments[0].scrollIntoView({block: 'center'})", escalated);
    browser.screenshot("timeline-agent");

    fixture.decided(
        agent,
        TaskFixture.plan(null, TaskFixture.step("s1", "fs.read", dir + "/later"))
            .put("goal", "read what changed"));
    WebElement fresh = browser.awaitText("#timeline-events li:first-child", "APPROVED");
    assertThat(fresh.getAttribute("data-kind")).isEqualTo("decision");
    browser.awaitText("#timeline-events li:nth-child(2)", "read what changed");

    browser.visible("#timeline-events li[data-kind='gate'] a.task-link").click();
    browser.awaitText("#timeline-title", "phase implement");
    browser.awaitText("#timeline-events li:first-child", "Gate passed: plan → implement");
    assertThat(browser.all("#timeline-events li[data-kind='command']")).isEmpty();
    WebElement step = browser.visible("#timeline-events li[data-kind='step']");
    step.findElement(By.cssSelector("details > summary")).click();
    WebElement check = browser.visible("#timeline-events li[data-kind='step'] .check.pass");
    assertThat(check.getText()).contains("pass").contains("file");
    assertThat(step.getText()).contains("notes.md");
    browser.screenshot("timeline-task");
  }

  @Test
  @DisplayName(
      "The audit page filters by type, verifies the chain, and names the entry tampered with in the"
          + " database")
  void auditFilterVerifyAndTamper() throws Exception {
    TimelineApiTest.Story story = TimelineApiTest.story(fixture, dir, ADMIN);
    for (int i = 0; i < 20; i++) {
      fixture.decided(
          story.agent(), TaskFixture.plan(null, TaskFixture.step("s1", "fs.read", dir + "/" + i)));
    }
    browser.signIn(ADMIN);
    // Counted after signing in: the sign-in is audited too.
    long entries = fixture.auditEntries();
    assertThat(entries).isGreaterThan(50);

    go("#/audit");
    browser.awaitText("#audit-range", "50 entries, seq " + (entries - 49) + "–" + entries);
    browser.driver().findElement(By.id("audit-older")).click();
    browser.awaitText("#audit-range", (entries - 50) + " entries, seq 1–" + (entries - 50));
    assertThat(browser.driver().findElement(By.id("audit-older")).isEnabled()).isFalse();
    browser.driver().findElement(By.id("audit-newer")).click();
    browser.awaitText("#audit-range", "50 entries, seq " + (entries - 49) + "–" + entries);
    assertThat(browser.driver().findElement(By.id("audit-newer")).isEnabled()).isFalse();

    WebElement type = browser.visible("#audit-type");
    type.sendKeys("decision.made");
    browser.driver().findElement(By.id("audit-apply")).click();
    await()
        .atMost(ConsoleBrowser.PATIENCE)
        .ignoreExceptions()
        .until(
            () -> {
              List<WebElement> rows = browser.all("#audit-table tbody tr.entry");
              return rows.size() == 22
                  && rows.stream().allMatch(row -> row.getText().contains("decision.made"));
            });
    List<WebElement> rows = browser.all("#audit-table tbody tr.entry");
    WebElement escalated = rows.get(rows.size() - 1);
    long escalatedSeq = Long.parseLong(escalated.getAttribute("data-seq"));
    escalated.findElement(By.cssSelector("button.expand")).click();
    browser.awaitText("#audit-table .payload", "\"verdict\": \"ESCALATED\"");
    browser.driver().findElement(By.id("audit-verify")).click();
    browser.awaitText("#audit-verify-result", "Chain intact", "all " + entries + " entries");
    browser.script(
        "arguments[0].scrollIntoView({block: 'center'})", browser.visible("#audit-table .payload"));
    browser.screenshot("audit");

    tamper("UPDATE audit_log SET actor = 'someone-else' WHERE seq = " + escalatedSeq);
    browser.driver().findElement(By.id("audit-verify")).click();
    browser.awaitText("#audit-verify-result", "Chain broken at entry #" + escalatedSeq);
    browser.visible("#audit-table tr.bad[data-seq='" + escalatedSeq + "']");
    browser.driver().findElement(By.id("audit-show-bad")).click();
    browser.awaitText("#audit-table tbody tr.entry:first-child", "someone-else");
    assertThat(
            browser
                .visible("#audit-table tbody tr.entry:first-child")
                .getAttribute("class")
                .split(" "))
        .contains("bad");
    assertThat(browser.driver().findElement(By.id("audit-type")).getAttribute("value")).isEmpty();
    browser.screenshot("audit-tampered");
  }

  /** Moves to a route inside the signed-in page, without reloading it. */
  private void go(String hash) {
    browser.script("location.hash = arguments[0]", hash);
  }

  private void tamper(String sql) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:h2:file:" + governor.dataDir().toAbsolutePath().resolve("governor"),
                "governor",
                "");
        Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql)).isEqualTo(1);
    }
  }
}
