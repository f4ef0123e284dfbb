package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The operators page, in a real browser against a real Governor. */
@DisplayName("The operators page, in a real browser")
class OperatorsConsoleTest {

  private static final String ADMIN = "gvo_operators-console-admin";
  private static final String PASSWORD = "a long enough password";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);
  @RegisterExtension final ConsoleBrowser browser = new ConsoleBrowser(governor);

  @Test
  @DisplayName(
      "An admin creates an operator with the approver role in the page, sees it listed and its"
          + " token once, changes its roles and disables it")
  void operatorsPage() {
    governor.operator("olga", PASSWORD, "admin");
    browser.signIn("olga", PASSWORD);
    browser.open("operators");
    browser.awaitText("#operators-table", "olga", "(you)");

    type("#operator-name", "april");
    type("#operator-password", PASSWORD);
    browser.driver().findElement(By.id("new-role-approver")).click();
    browser.driver().findElement(By.id("create-operator")).click();

    String row = "tr[data-operator='april']";
    browser.awaitText(row, "april", "active", "set");
    assertThat(browser.visible(row + " input.role-approver").isSelected()).isTrue();
    assertThat(browser.driver().findElement(By.cssSelector(row + " input.role-admin")).isSelected())
        .isFalse();
    String token = browser.visible("#operator-token").getText();
    assertThat(token).startsWith("gvo_");
    assertThat(browser.visible("#operator-token-box").getText())
        .contains("will not be shown again");
    browser.screenshot("operators");
    type("#operator-name", "april");
    browser.driver().findElement(By.id("new-role-viewer")).click();
    browser.driver().findElement(By.id("create-operator")).click();
    assertThat(browser.visible("#operator-form-error").getText()).isNotBlank();
    Http.Reply whoami = governor.http().get("/api/v1/whoami", token);
    assertThat(whoami.json().getJsonArray("roles")).containsExactly("approver");

    browser.driver().findElement(By.cssSelector(row + " input.role-author")).click();
    browser.visible(row + " button.save-roles").click();
    browser.awaitText("#notice", "April now has the roles approver, author");
    assertThat(operator("april").getJsonArray("roles")).containsExactly("approver", "author");

    browser.visible(row + " button.disable").click();
    browser.visible(row + " button.confirm-disable").click();
    browser.awaitText(row, "disabled");
    assertThat(operator("april").getBoolean("disabled")).isTrue();
    assertThat(governor.http().get("/api/v1/whoami", token).status()).isEqualTo(401);
    assertThat(browser.all("tr[data-operator='olga'] button.disable"))
        .as("no one disables themselves")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "An admin gives a token-only operator a password in the page (one too short is refused and"
          + " changes nothing); the operator then signs in with it")
  void setAPassword() {
    Http.Reply created =
        governor
            .http()
            .post(
                "/api/v1/operators",
                ADMIN,
                new JsonObject().put("name", "tom").put("roles", new JsonArray().add("viewer")));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    browser.signIn(ADMIN);
    browser.open("operators");
    String row = "tr[data-operator='tom']";
    browser.awaitText(row, "tom", "none (token only)");

    browser.visible(row + " button.set-password").click();
    browser.visible(row + " input.new-password").sendKeys("short");
    browser.visible(row + " button.save-password").click();
    browser.awaitText(row + " .row-error", "at least");
    assertThat(operator("tom").getBoolean("hasPassword")).isFalse();

    WebElement field = browser.visible(row + " input.new-password");
    field.clear();
    field.sendKeys(PASSWORD);
    browser.visible(row + " button.save-password").click();
    browser.awaitText("#notice", "The password of tom was changed");
    browser.awaitText(row + " button.set-password", "New password");
    assertThat(operator("tom").getBoolean("hasPassword")).isTrue();
    Http.Reply signIn =
        governor
            .http()
            .post(
                "/api/v1/session",
                null,
                new JsonObject().put("name", "tom").put("password", PASSWORD));
    assertThat(signIn.status()).as(signIn.json().encode()).isEqualTo(200);
  }

  private JsonObject operator(String name) {
    return governor.http().get("/api/v1/operators", ADMIN).json().getJsonArray("operators").stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getString("name").equals(name))
        .findFirst()
        .orElseThrow();
  }

  private void type(String css, String text) {
    browser.visible(css).sendKeys(text);
  }
}
