package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in a real browser: Debian's Chromium, headless, driven through its chromedriver,
 * against a Governor started in this JVM. Agents talk to Governor over real HTTP meanwhile, so the
 * escalation reaches the page through the live event stream, not through a reload.
 */
@DisplayName("The web console, in a real browser")
class ConsoleBrowserTest {

  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String ADMIN_TOKEN = "test-admin-token";
  private static final String GOAL = "rebuild the staging environment from scratch";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @TempDir Path dataDir;
  @TempDir Path browserProfile;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Governor governor;
  private WebDriver browser;
  private String base;

  /** An agent as registration returned it. */
  private record Agent(String id, String name, String token) {}

  @BeforeEach
  void start() throws Exception {
    requireChromedriver();
    governor = startGovernor(0);
    base = "http://127.0.0.1:" + governor.port();
    browser = openBrowser();
  }

  private Governor startGovernor(int port) throws Exception {
    return Governor.start(
        Settings.load(Map.of())
            .with("dataDir", dataDir.toString())
            .with("httpPort", port)
            .with("adminToken", ADMIN_TOKEN),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (governor != null) {
        governor.close();
      }
    }
  }

  @Test
  @DisplayName("An escalation appears without a reload, and approving it answers the waiting agent")
  void approveLiveEscalation() throws Exception {
    Agent agent = registerAgent("cleanup-bot");
    signIn(ADMIN_TOKEN);
    awaitLiveAndEmpty();
    markPage();

    JsonObject decision = submitEnvironmentDeletion(agent);
    assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
    String escalationId = decision.getString("escalationId");
    assertThat(escalationId).isNotBlank();
    CompletableFuture<HttpResponse<String>> agentWaits =
        awaitDecision(agent, decision.getString("planId"));

    WebElement card = awaitEscalation(escalationId);
    assertThat(pageMarker()).as("the page was not reloaded").isEqualTo("no reload");
    assertThat(card.getText())
        .contains(
            "cleanup-bot",
            "staging",
            GOAL,
            "s1",
            "env.delete",
            "env:staging",
            "delete and recreate the environment",
            "user");

    // The findings that asked for a person (whatever the rules are called) are highlighted.
    List<JsonObject> askedForPerson =
        decision.getJsonArray("findings").stream()
            .map(JsonObject.class::cast)
            .filter(f -> "ESCALATED".equals(f.getString("verdict")))
            .toList();
    assertThat(askedForPerson).isNotEmpty();
    List<WebElement> highlighted = card.findElements(By.cssSelector("tr.finding.asks-person"));
    assertThat(highlighted)
        .extracting(row -> row.getAttribute("data-rule"))
        .containsExactlyInAnyOrderElementsOf(
            askedForPerson.stream().map(f -> f.getString("rule")).toList());
    for (JsonObject finding : askedForPerson) {
      WebElement row =
          highlighted.stream()
              .filter(r -> finding.getString("rule").equals(r.getAttribute("data-rule")))
              .findFirst()
              .orElseThrow();
      assertThat(row.getText())
          .contains(
              "asks for a person",
              finding.getString("severity").toLowerCase(Locale.ROOT),
              finding.getString("stepId"),
              finding.getString("message"));
    }
    assertThat(card.findElements(By.cssSelector("tr.finding")))
        .hasSize(decision.getJsonArray("findings").size());
    assertThat(card.findElement(By.cssSelector(".time-left")).getText())
        .matches("1[45]:\\d\\d left");
    assertThat(text("#pending-count")).isEqualTo("1");
    screenshot("console-escalation.png");

    assertThat(agentWaits).as("the agent is still waiting for a person").isNotDone();
    card.findElement(By.cssSelector(".reason")).sendKeys("staging is rebuilt nightly; approved");
    card.findElement(By.cssSelector(".approve")).click();

    awaitGone(escalationId);
    awaitVisible("#notice");
    assertThat(text("#notice")).startsWith("Approved").contains("cleanup-bot");
    assertThat(browser.findElement(By.id("inbox-empty")).isDisplayed()).isTrue();
    screenshot("console-resolved.png");

    JsonObject answer = answerOf(agentWaits);
    assertThat(answer.getString("verdict")).isEqualTo("APPROVED");
    assertThat(answer.getString("decidedBy")).isEqualTo("operator:admin");
    assertThat(answer.getString("reason")).isEqualTo("staging is rebuilt nightly; approved");

    JsonObject resolved = auditEntry("escalation.resolved", "escalation:" + escalationId);
    assertThat(resolved.getString("actor")).isEqualTo("operator:admin");
    assertThat(resolved.getJsonObject("payload").getString("status")).isEqualTo("APPROVED");
  }

  @Test
  @DisplayName("Denying needs a reason, and then answers the waiting agent with DENIED")
  void denyLiveEscalation() throws Exception {
    Agent agent = registerAgent("teardown-bot");
    signIn(ADMIN_TOKEN);
    awaitLiveAndEmpty();
    markPage();

    JsonObject decision = submitEnvironmentDeletion(agent);
    assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
    String escalationId = decision.getString("escalationId");
    CompletableFuture<HttpResponse<String>> agentWaits =
        awaitDecision(agent, decision.getString("planId"));

    WebElement card = awaitEscalation(escalationId);
    assertThat(pageMarker()).as("the page was not reloaded").isEqualTo("no reload");

    card.findElement(By.cssSelector(".reason")).sendKeys("   ");
    card.findElement(By.cssSelector(".deny")).click();
    WebElement error = card.findElement(By.cssSelector(".item-error"));
    await("the missing-reason message").atMost(PATIENCE).until(error::isDisplayed);
    assertThat(error.getText()).contains("Write a reason");
    assertThat(browser.findElements(escalationCard(escalationId))).hasSize(1);
    assertThat(agentWaits).as("nothing was sent without a reason").isNotDone();

    card.findElement(By.cssSelector(".reason")).sendKeys("nobody asked for a teardown");
    card.findElement(By.cssSelector(".deny")).click();

    awaitGone(escalationId);
    awaitVisible("#notice");
    assertThat(text("#notice")).startsWith("Denied").contains("teardown-bot");

    JsonObject answer = answerOf(agentWaits);
    assertThat(answer.getString("verdict")).isEqualTo("DENIED");
    assertThat(answer.getString("decidedBy")).isEqualTo("operator:admin");
    assertThat(answer.getString("reason")).isEqualTo("nobody asked for a teardown");

    JsonObject resolved = auditEntry("escalation.resolved", "escalation:" + escalationId);
    assertThat(resolved.getString("actor")).isEqualTo("operator:admin");
    assertThat(resolved.getJsonObject("payload").getString("status")).isEqualTo("DENIED");
  }

  @Test
  @DisplayName("When the event stream drops, the console reconnects by itself and stays live")
  void reconnectsAfterRestart() throws Exception {
    Agent agent = registerAgent("night-bot");
    signIn(ADMIN_TOKEN);
    awaitLiveAndEmpty();
    markPage();

    int port = governor.port();
    governor.close();
    governor = null;
    await("the console noticing that the stream dropped")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                !"connected"
                    .equals(browser.findElement(By.id("live-status")).getAttribute("data-state")));
    governor = startGovernor(port);
    awaitLiveAndEmpty();

    JsonObject decision = submitEnvironmentDeletion(agent);
    assertThat(decision.getString("verdict")).isEqualTo("ESCALATED");
    awaitEscalation(decision.getString("escalationId"));
    assertThat(pageMarker()).as("the page was not reloaded").isEqualTo("no reload");
  }

  @Test
  @DisplayName("A wrong token shows an error and does not sign in")
  void wrongToken() throws IOException {
    signIn("not-the-admin-token");

    awaitVisible("#sign-in-error");
    assertThat(text("#sign-in-error")).contains("not known");
    screenshot("console-wrong-token.png");
    assertThat(browser.findElement(By.id("views")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).isFalse();
    assertThat(storedToken()).isNull();
  }

  @Test
  @DisplayName("An agent's token is refused: the console is for operators")
  void agentToken() throws Exception {
    Agent agent = registerAgent("sneaky-bot");
    signIn(agent.token());

    awaitVisible("#sign-in-error");
    assertThat(text("#sign-in-error")).contains("agent");
    assertThat(browser.findElement(By.id("views")).isDisplayed()).isFalse();
    assertThat(storedToken()).isNull();
  }

  @Test
  @DisplayName(
      "A reload keeps the operator signed in by an HttpOnly cookie the page cannot read; signing"
          + " out ends the session")
  void reloadAndSignOut() {
    signIn(ADMIN_TOKEN);
    awaitLiveAndEmpty();
    assertThat(text("#whoami")).isEqualTo("admin");

    browser.navigate().refresh();
    awaitLiveAndEmpty();
    assertThat(text("#whoami")).isEqualTo("admin");
    assertThat(storedToken()).isNull();
    assertThat(browser.manage().getCookieNamed("governor_session")).isNotNull();
    assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie;").toString())
        .doesNotContain("governor_session");

    browser.findElement(By.id("sign-out")).click();
    awaitVisible("#sign-in-view");
    assertThat(browser.findElement(By.id("views")).isDisplayed()).isFalse();
    browser.navigate().refresh();
    awaitVisible("#sign-in-view");
  }

  @Test
  @DisplayName("An operator signs in with a name and password; a wrong password is refused")
  void passwordSignIn() throws Exception {
    HttpResponse<String> created =
        send(
            post(
                "/api/v1/operators",
                ADMIN_TOKEN,
                new JsonObject()
                    .put("name", "ana")
                    .put("roles", new io.vertx.core.json.JsonArray().add("approver"))
                    .put("password", "correct horse battery staple")));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    signInWithPassword("ana", "wrong horse battery staple");
    awaitVisible("#sign-in-error");
    assertThat(text("#sign-in-error")).contains("name or the password is wrong");

    signInWithPassword("ana", "correct horse battery staple");
    awaitLiveAndEmpty();
    assertThat(text("#whoami")).isEqualTo("ana");
    assertThat(text("#whoami-roles")).contains("approver");
    screenshot("console-signed-in-with-password.png");
  }

  // ------------------------------------------------------------------ the browser

  private static void requireChromedriver() {
    if (Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM)) {
      return;
    }
    String message =
        CHROMEDRIVER
            + " or "
            + CHROMIUM
            + " is missing; install them with"
            + " \"apt-get install -y chromium chromium-driver\" to run the browser tests";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + " (CI=true, so this fails instead of skipping)");
    }
    Assumptions.assumeTrue(false, "Skipped: " + message + " (set CI=true to make this a failure)");
  }

  private WebDriver openBrowser() {
    // Both the property and the explicit service keep Selenium Manager from downloading anything.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1366,900",
        "--user-data-dir=" + browserProfile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private void signInWithPassword(String name, String password) {
    browser.get(base + "/");
    awaitVisible("#sign-in-view");
    WebElement nameField = browser.findElement(By.id("name"));
    nameField.clear();
    nameField.sendKeys(name);
    WebElement passwordField = browser.findElement(By.id("password"));
    passwordField.clear();
    passwordField.sendKeys(password);
    browser.findElement(By.id("sign-in")).click();
  }

  private void signIn(String token) {
    browser.get(base + "/");
    awaitVisible("#sign-in-view");
    WebElement field = browser.findElement(By.id("token"));
    field.clear();
    field.sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
  }

  /** Signed in, the event stream connected, and the (empty) pending list loaded. */
  private void awaitLiveAndEmpty() {
    await("the console signed in, its event stream live and its inbox empty")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                "connected"
                        .equals(
                            browser.findElement(By.id("live-status")).getAttribute("data-state"))
                    && browser.findElement(By.id("inbox-empty")).isDisplayed());
  }

  private WebElement awaitEscalation(String escalationId) {
    return await("escalation " + escalationId + " shown on the page")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.findElement(escalationCard(escalationId)), WebElement::isDisplayed);
  }

  private void awaitGone(String escalationId) {
    await("escalation " + escalationId + " gone from the pending list")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.findElements(escalationCard(escalationId)).isEmpty());
  }

  private void awaitVisible(String css) {
    await(css + " visible")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> browser.findElement(By.cssSelector(css)).isDisplayed());
  }

  private static By escalationCard(String escalationId) {
    return By.cssSelector("[data-escalation-id='" + escalationId + "']");
  }

  private String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  /** Sets a marker in the page's window; a reload would lose it. */
  private void markPage() {
    ((JavascriptExecutor) browser).executeScript("window.governorTestMarker = 'no reload';");
  }

  private Object pageMarker() {
    return ((JavascriptExecutor) browser).executeScript("return window.governorTestMarker;");
  }

  private Object storedToken() {
    return ((JavascriptExecutor) browser)
        .executeScript("return sessionStorage.getItem('governor.token');");
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  // ------------------------------------------------------------------ the agent's side, over HTTP

  private Agent registerAgent(String name) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("name", name)
            .put("owner", "platform-team")
            .put("environment", "staging")
            .put("grants", new JsonArray().add("env.*:**"));
    HttpResponse<String> response = send(post("/api/v1/agents", ADMIN_TOKEN, body));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonObject registered = new JsonObject(response.body());
    return new Agent(registered.getString("id"), name, registered.getString("token"));
  }

  private JsonObject submitEnvironmentDeletion(Agent agent) throws Exception {
    JsonObject step =
        new JsonObject()
            .put("id", "s1")
            .put("action", "env.delete")
            .put("target", "env:staging")
            .put("intent", "delete and recreate the environment")
            .put("provenance", new JsonArray().add("user"));
    JsonObject plan = new JsonObject().put("goal", GOAL).put("steps", new JsonArray().add(step));
    HttpResponse<String> response =
        send(post("/api/v1/agents/" + agent.id() + "/plans", agent.token(), plan));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** The agent's long poll for the decision, started now and left running. */
  private CompletableFuture<HttpResponse<String>> awaitDecision(Agent agent, String planId) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/plans/" + planId + "/decision?wait=30"))
            .header("Authorization", "Bearer " + agent.token())
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The long poll's answer. It must come well before its 30 seconds run out: the settlement is
   * pushed to the waiting agent, not found when the wait expires.
   */
  private static JsonObject answerOf(CompletableFuture<HttpResponse<String>> poll)
      throws Exception {
    HttpResponse<String> response = poll.get(15, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private JsonObject auditEntry(String type, String subject) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/audit?limit=1000"))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> response = send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonArray entries = new JsonObject(response.body()).getJsonArray("entries");
    return entries.stream()
        .map(JsonObject.class::cast)
        .filter(e -> type.equals(e.getString("type")) && subject.equals(e.getString("subject")))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + type + " entry for " + subject + " in " + entries));
  }

  private HttpRequest post(String path, String token, JsonObject body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
