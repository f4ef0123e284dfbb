package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Governor for each test: a fresh H2 file in a temporary folder, a random port, an HTTP
 * client pointed at it. Register with {@code @RegisterExtension}.
 */
final class RunningGovernor implements BeforeEachCallback, AfterEachCallback {

  private final String adminToken;
  private final Map<String, Object> settings;
  private Path dataDir;
  private Governor governor;
  private Http http;

  RunningGovernor(String adminToken) {
    this(adminToken, Map.of());
  }

  RunningGovernor(String adminToken, Map<String, Object> settings) {
    this.adminToken = adminToken;
    this.settings = settings;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dataDir = Files.createTempDirectory("governor-test-");
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    governor.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(RunningGovernor::delete);
    }
  }

  Http http() {
    return http;
  }

  int port() {
    return governor.port();
  }

  /** The folder of the H2 files, for tests that reach past Governor into its database. */
  Path dataDir() {
    return dataDir;
  }

  /**
   * Creates an operator with a password and roles, as the admin, and checks it was created; returns
   * the answer, which holds the operator's API token.
   */
  JsonObject operator(String name, String password, String... roles) {
    JsonArray granted = new JsonArray();
    for (String role : roles) {
      granted.add(role);
    }
    Http.Reply created =
        http.post(
            "/api/v1/operators",
            adminToken,
            new JsonObject().put("name", name).put("password", password).put("roles", granted));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    return created.json();
  }

  /** Registers an agent, as the admin, and checks it was registered; returns it with its token. */
  JsonObject register(JsonObject registration) {
    Http.Reply reply = http.post("/api/v1/agents", adminToken, registration);
    assertThat(reply.status()).as(reply.json().encode()).isEqualTo(201);
    return reply.json();
  }

  /** Sends telemetry events as the agent. */
  Http.Reply telemetry(JsonObject agent, JsonObject... events) {
    return http.post(
        "/api/v1/agents/" + agent.getString("id") + "/telemetry",
        agent.getString("token"),
        new JsonObject().put("events", new JsonArray(List.of((Object[]) events))));
  }

  /** Stops Governor and starts it again on the same data, on a new port. */
  void restart() throws Exception {
    governor.close();
    start();
  }

  private void start() throws Exception {
    Settings configured =
        Settings.load(Map.of())
            .with("dataDir", dataDir.toString())
            .with("httpPort", 0)
            .with("adminToken", adminToken);
    for (Map.Entry<String, Object> setting : settings.entrySet()) {
      configured = configured.with(setting.getKey(), setting.getValue());
    }
    governor = Governor.start(configured, Clock.systemUTC());
    http = new Http(governor.port());
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
