package dev.governor.console;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Starts a real Governor for a test: a fresh H2 file in the test's folder, a random port. */
final class TestGovernors {

  private TestGovernors() {}

  static Governor start(Path dataDir, String adminToken) throws Exception {
    return start(dataDir, adminToken, Map.of());
  }

  static Governor start(Path dataDir, String adminToken, Map<String, Object> settings)
      throws Exception {
    Settings configured =
        Settings.load(Map.of())
            .with("dataDir", dataDir.toString())
            .with("httpPort", 0)
            .with("adminToken", adminToken);
    for (Map.Entry<String, Object> setting : settings.entrySet()) {
      configured = configured.with(setting.getKey(), setting.getValue());
    }
    return Governor.start(configured, Clock.systemUTC());
  }
}
