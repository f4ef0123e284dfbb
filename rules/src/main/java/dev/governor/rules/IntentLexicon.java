package dev.governor.rules;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an intent text speaks of, so that rules catch a destructive plan stated in words even when
 * its action name looks harmless. Matching is case-insensitive and on word boundaries.
 */
public final class IntentLexicon {

  public static final String DESTROY = "destroy";
  public static final String ENVIRONMENT = "environment";
  public static final String DATABASE = "database";
  public static final String CONFIGURATION = "configuration";

  private static final Map<String, Pattern> SIGNALS =
      Map.of(
          DESTROY,
          words(
              "delet(e|es|ed|ing)", "destroy(s|ed|ing)?", "drop(s|ped|ping)?",
              "re-?creat(e|es|ed|ing)", "tear(s|ing)?\\s+(it\\s+|them\\s+)?down", "tore\\s+down",
              "teardown", "wip(e|es|ed|ing)", "nuk(e|es|ed|ing)", "purg(e|es|ed|ing)",
              "truncat(e|es|ed|ing)", "obliterat(e|es|ed|ing)", "eras(e|es|ed|ing)",
              "decommission(s|ed|ing)?", "rm\\s+-rf", "blow\\s+away", "start\\s+from\\s+scratch"),
          ENVIRONMENT,
          words(
              "env", "envs", "environments?", "prod", "production", "staging", "stage", "sandbox",
              "clusters?", "stacks?", "infra", "infrastructure", "deployments?", "namespaces?"),
          DATABASE,
          words("databases?", "db", "dbs", "tables?", "schemas?", "collections?", "records?"),
          CONFIGURATION,
          words("config", "configs", "configuration", "configurations", "settings"));

  private IntentLexicon() {}

  public static Set<String> signals(String intent) {
    Set<String> found = new LinkedHashSet<>();
    if (intent == null || intent.isBlank()) {
      return found;
    }
    for (Map.Entry<String, Pattern> signal : SIGNALS.entrySet()) {
      if (signal.getValue().matcher(intent).find()) {
        found.add(signal.getKey());
      }
    }
    return found;
  }

  private static Pattern words(String... alternatives) {
    return Pattern.compile(
        "(?<![\\w-])(" + String.join("|", alternatives) + ")(?![\\w-])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
