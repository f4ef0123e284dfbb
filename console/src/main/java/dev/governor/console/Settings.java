package dev.governor.console;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of Governor, read once at start: defaults, then a JSON file (the path in {@code
 * GOVERNOR_CONFIG}, keys as in {@link #DEFAULTS}), then environment variables ({@code GOVERNOR_}
 * and the key in upper snake case: {@code httpPort} is {@code GOVERNOR_HTTP_PORT}).
 */
public record Settings(JsonObject values) {

  /** Each setting with its default; the README documents them all. */
  public static final Map<String, Object> DEFAULTS = defaults();

  private static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("httpHost", "127.0.0.1");
    d.put("httpPort", 8080);
    d.put("dataDir", "data");
    d.put("adminToken", "");
    d.put("escalationTimeoutSeconds", 900L);
    // Per severity; 0 means escalationTimeoutSeconds.
    d.put("escalationTimeoutCriticalSeconds", 0L);
    d.put("escalationTimeoutHighSeconds", 0L);
    d.put("escalationTimeoutMediumSeconds", 0L);
    d.put("escalationTimeoutLowSeconds", 0L);
    d.put("escalationSweepMillis", 1000L);
    d.put("maxBodyBytes", 262_144L);
    d.put("maxStepsPerPlan", 100);
    d.put("maxWaitSeconds", 60);
    d.put("reviewTimeoutSeconds", 30);
    d.put("sessionHours", 12);
    // Tasks a production agent's name and owner must have finished in sandbox; 0 turns it off.
    d.put("sandboxTasksRequired", 3);
    d.put("leaseTtlSeconds", 900L);
    // escalate or deny: what another agent's write to a leased resource gets.
    d.put("leaseConflict", "escalate");
    d.put("approvalTtlSeconds", 3600L);
    // A JSON file of phase paths by classification; empty means the built-in one.
    d.put("phasesFile", "");
    d.put("gitTimeoutSeconds", 10L);
    // Sensors and effectors: telemetry, the watchdog, circuits, retry storms.
    d.put("telemetryQueueEvents", 200_000L);
    d.put("heartbeatTimeoutSeconds", 60L);
    d.put("watchdogSweepMillis", 1000L);
    // An open task with no plan, step report or phase change for this long is stalled; 0: off.
    d.put("taskStallTimeoutSeconds", 1800L);
    d.put("errorRateWindowSeconds", 60L);
    d.put("errorRateMinCalls", 10L);
    d.put("errorRateThreshold", 0.5);
    d.put("halfOpenAfterSeconds", 30L);
    d.put("probeTimeoutSeconds", 60L);
    d.put("circuitSweepMillis", 1000L);
    d.put("retryStormLimit", 0);
    d.put("retryStormWindowSeconds", 60L);
    return d;
  }

  public static Settings load(Map<String, String> environment) {
    JsonObject values = new JsonObject(new LinkedHashMap<>(DEFAULTS));
    String file = environment.get("GOVERNOR_CONFIG");
    if (file != null && !file.isBlank()) {
      JsonObject fromFile;
      try {
        fromFile = new JsonObject(Files.readString(Path.of(file)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the configuration file " + file, e);
      }
      for (String key : fromFile.fieldNames()) {
        if (!DEFAULTS.containsKey(key)) {
          throw new IllegalArgumentException(
              "unknown setting \"" + key + "\" in " + file + "; known: " + DEFAULTS.keySet());
        }
        values.put(key, coerce(key, String.valueOf(fromFile.getValue(key))));
      }
    }
    for (String key : DEFAULTS.keySet()) {
      String value = environment.get(environmentName(key));
      if (value != null && !value.isBlank()) {
        values.put(key, coerce(key, value.strip()));
      }
    }
    return new Settings(values);
  }

  public static String environmentName(String key) {
    return "GOVERNOR_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  public Settings with(String key, Object value) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException("unknown setting " + key);
    }
    return new Settings(values.copy().put(key, value));
  }

  public String httpHost() {
    return values.getString("httpHost");
  }

  public int httpPort() {
    return values.getInteger("httpPort");
  }

  public Path dataDir() {
    return Path.of(values.getString("dataDir"));
  }

  /** The configured admin token, or null when Governor should generate one on first start. */
  public String adminToken() {
    String token = values.getString("adminToken");
    return token == null || token.isBlank() ? null : token;
  }

  private static Object coerce(String key, String value) {
    Object def = DEFAULTS.get(key);
    try {
      if (def instanceof Integer) {
        return Integer.parseInt(value);
      }
      if (def instanceof Long) {
        return Long.parseLong(value);
      }
      if (def instanceof Double) {
        return Double.parseDouble(value);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting "
              + key
              + " ("
              + environmentName(key)
              + ") must be a "
              + (def instanceof Double ? "number" : "whole number")
              + ", not \""
              + value
              + "\"");
    }
    return value;
  }
}
