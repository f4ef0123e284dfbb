package dev.governor.console;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
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
 * Debian's Chromium, headless, driven through its chromedriver, pointed at a {@link
 * RunningGovernor}. Register it with {@code @RegisterExtension} after the Governor, so the Governor
 * starts first and stops last. Screenshots go to {@code target/screenshots}, kept as build
 * artifacts.
 */
final class ConsoleBrowser implements BeforeEachCallback, AfterEachCallback {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final RunningGovernor governor;
  private Path profile;
  private WebDriver driver;

  ConsoleBrowser(RunningGovernor governor) {
    this.governor = governor;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    requireChromedriver();
    profile = Files.createTempDirectory("governor-browser-");
    driver = open(profile);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  WebDriver driver() {
    return driver;
  }

  String base() {
    return "http://127.0.0.1:" + governor.port();
  }

  /** Opens a console route such as {@code "#/agents"}. */
  void go(String hash) {
    driver.get(base() + "/" + hash);
  }

  /** Signs in with a token and waits until the console shows its pages and its stream is live. */
  void signIn(String token) {
    driver.get(base() + "/");
    WebElement field = visible("#token");
    field.clear();
    field.sendKeys(token);
    driver.findElement(By.id("sign-in")).click();
    awaitLive();
  }

  /** Signs in with a name and password, then waits as {@link #signIn(String)} does. */
  void signIn(String name, String password) {
    driver.get(base() + "/");
    WebElement nameField = visible("#name");
    nameField.clear();
    nameField.sendKeys(name);
    WebElement passwordField = driver.findElement(By.id("password"));
    passwordField.clear();
    passwordField.sendKeys(password);
    driver.findElement(By.id("sign-in")).click();
    awaitLive();
  }

  void awaitLive() {
    await("the console signed in, its event stream live")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                "connected"
                    .equals(driver.findElement(By.id("live-status")).getAttribute("data-state")));
  }

  /** Follows a navigation link in the top bar and waits for its page. */
  void open(String route) {
    driver.findElement(By.cssSelector("#nav a[data-route='" + route + "']")).click();
    visible("#view-" + route);
  }

  WebElement visible(String css) {
    return await(css + " visible")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(() -> driver.findElement(By.cssSelector(css)), WebElement::isDisplayed);
  }

  void awaitGone(String css) {
    await(css + " gone")
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () ->
                driver.findElements(By.cssSelector(css)).stream().noneMatch(e -> e.isDisplayed()));
  }

  /** Waits until the element's text contains every one of the fragments. */
  WebElement awaitText(String css, String... fragments) {
    return await(css + " showing " + List.of(fragments))
        .atMost(PATIENCE)
        .ignoreExceptions()
        .until(
            () -> driver.findElement(By.cssSelector(css)),
            element -> {
              String text = element.getText();
              return Stream.of(fragments).allMatch(text::contains);
            });
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Writes a PNG of the window to target/screenshots/{name}.png. */
  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void requireChromedriver() {
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

  private static WebDriver open(Path profile) {
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
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
