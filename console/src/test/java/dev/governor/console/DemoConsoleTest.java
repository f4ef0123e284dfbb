package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.governor.console.demo.Demo;
import dev.governor.console.demo.Outcome;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/** What a newcomer who runs the demo sees when signing in to the console. */
@DisplayName("The demo, in a real browser")
class DemoConsoleTest {

  private static final String ADMIN = "gvo_demo-console-admin";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN, Demo.FAST);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);

  @TempDir Path workDir;

  @Test
  @DisplayName(
      "After the demo's fleet has played, the inbox holds the lease conflict and the injected upload")
  void theInboxHoldsTheEscalationsTheDemoLeft() {
    browser.signIn(ADMIN);

    List<Outcome> outcomes =
        Demo.play(
            URI.create("http://127.0.0.1:" + governor.port() + "/"),
            ADMIN,
            workDir,
            new PrintStream(OutputStream.nullOutputStream()));

    assertThat(outcomes).hasSize(8);
    await().atMost(ConsoleBrowser.PATIENCE).until(() -> browser.all("li.escalation").size() == 2);
    browser.screenshot("demo-inbox");
    List<String> cards = browser.all("li.escalation").stream().map(WebElement::getText).toList();
    assertThat(String.join("\n", cards)).contains("config-writer-b").contains("research-assistant");
  }
}
