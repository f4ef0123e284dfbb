package dev.governor.rules;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an intent text speaks of, so that rules catch a destructive plan stated in words even when
 * its action name looks harmless. Matching is case-insensitive and on word boundaries ({@code drop}
 * is not {@code drop-down}); past tenses are left out on purpose, because "restore the deleted
 * rows" describes damage done, not damage intended.
 *
 * <p>Signals: {@code destroy} (a destroying verb), {@code catastrophic} (a phrase destructive on
 * its own: "rm -rf", "force push", "wipe", "tear down", "drop table"), and the resources named:
 * {@code environment}, {@code database}, {@code configuration}, {@code repository}.
 */
public final class IntentLexicon {

  public static final String DESTROY = "destroy";
  public static final String CATASTROPHIC = "catastrophic";
  public static final String ENVIRONMENT = "environment";
  public static final String DATABASE = "database";
  public static final String CONFIGURATION = "configuration";
  public static final String REPOSITORY = "repository";

  /** A signal's pattern, and substrings one of which any match contains: a cheap first test. */
  private record Signal(Pattern pattern, String... stems) {
    boolean foundIn(String lower) {
      for (String stem : stems) {
        if (lower.contains(stem)) {
          return pattern.matcher(lower).find();
        }
      }
      return false;
    }
  }

  private static final Map<String, Signal> SIGNALS = new LinkedHashMap<>();

  static {
    SIGNALS.put(
        DESTROY,
        new Signal(
            words(
                "delete",
                "deletes",
                "deleting",
                "destroy",
                "destroys",
                "destroying",
                "drop",
                "drops",
                "dropping",
                "re-?create",
                "re-?creates",
                "re-?creating",
                "rebuild from scratch",
                "wipe",
                "wipes",
                "wiping",
                "nuke",
                "nukes",
                "nuking",
                "purge",
                "purges",
                "purging",
                "truncate",
                "truncates",
                "truncating",
                "obliterate",
                "obliterates",
                "erase",
                "erases",
                "erasing",
                "decommission",
                "decommissions",
                "decommissioning",
                "tear\\s+down",
                "tears\\s+down",
                "tearing\\s+down",
                "tear\\s+(it|them|this|that|everything)\\s+down",
                "teardown",
                "blow\\s+away",
                "get\\s+rid\\s+of",
                "remove\\s+(all|every|the\\s+whole)",
                "throw\\s+away",
                "reset"),
            "delet",
            "destroy",
            "drop",
            "creat",
            "rebuild",
            "wip",
            "nuk",
            "purg",
            "truncat",
            "obliterat",
            "eras",
            "decommission",
            "tear",
            "blow",
            "rid",
            "remove",
            "throw",
            "reset"));
    SIGNALS.put(
        CATASTROPHIC,
        new Signal(
            words(
                "rm\\s+-(rf|fr|r)",
                "force[-\\s]push(es|ing)?",
                "push\\s+(--force|-f)",
                "push\\s+--force-with-lease",
                "reset\\s+--hard",
                "wipe",
                "wipes",
                "wiping",
                "wipe\\s+out",
                "tear\\s+down",
                "tears\\s+down",
                "tearing\\s+down",
                "teardown",
                "tear\\s+(it|them|this|that|everything)\\s+down",
                "nuke",
                "nukes",
                "nuking",
                "drop\\s+(the\\s+)?(\\w+\\s+)?(table|tables|database|databases|schema|schemas|collection|collections)",
                "drop\\s+database",
                "truncate\\s+(the\\s+)?(\\w+\\s+)?(table|tables)",
                "delete\\s+everything",
                "delete\\s+all",
                "purge\\s+all",
                "format\\s+(the\\s+)?(disk|drive|volume)",
                "mkfs",
                "dd\\s+if=",
                "destroy\\s+everything",
                "terraform\\s+destroy",
                "kubectl\\s+delete\\s+(namespace|ns)"),
            "rm",
            "force",
            "push",
            "reset",
            "wip",
            "tear",
            "nuk",
            "drop",
            "truncat",
            "delete",
            "purge",
            "format",
            "mkfs",
            "dd",
            "destroy",
            "kubectl"));
    SIGNALS.put(
        ENVIRONMENT,
        new Signal(
            words(
                "env",
                "envs",
                "environment",
                "environments",
                "prod",
                "production",
                "staging",
                "stage",
                "sandbox",
                "cluster",
                "clusters",
                "stack",
                "stacks",
                "infra",
                "infrastructure",
                "deployment",
                "deployments",
                "namespace",
                "namespaces",
                "servers?",
                "vpc"),
            "env",
            "prod",
            "stag",
            "sandbox",
            "cluster",
            "stack",
            "infra",
            "deploy",
            "namespace",
            "server",
            "vpc"));
    SIGNALS.put(
        DATABASE,
        new Signal(
            words(
                "database",
                "databases",
                "db",
                "dbs",
                "table",
                "tables",
                "schema",
                "schemas",
                "collection",
                "collections",
                "records",
                "rows",
                "data",
                "bucket",
                "buckets",
                "backups?"),
            "database",
            "db",
            "table",
            "schema",
            "collection",
            "record",
            "rows",
            "data",
            "bucket",
            "backup"));
    SIGNALS.put(
        CONFIGURATION,
        new Signal(
            words(
                "config",
                "configs",
                "configuration",
                "configurations",
                "settings",
                "secrets?",
                "credentials",
                "dns"),
            "config",
            "setting",
            "secret",
            "credential",
            "dns"));
    SIGNALS.put(
        REPOSITORY,
        new Signal(
            words(
                "repo",
                "repos",
                "repository",
                "repositories",
                "main",
                "master",
                "branch",
                "branches",
                "history",
                "commits"),
            "repo",
            "main",
            "master",
            "branch",
            "history",
            "commit"));
  }

  private IntentLexicon() {}

  public static Set<String> signals(String intent) {
    Set<String> found = new LinkedHashSet<>();
    if (intent == null || intent.isBlank()) {
      return found;
    }
    // Lower-cased once here rather than matched case-insensitively: Unicode case folding in
    // the regex engine cost more than all the rest of the analysis.
    String lower = intent.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, Signal> signal : SIGNALS.entrySet()) {
      if (signal.getValue().foundIn(lower)) {
        found.add(signal.getKey());
      }
    }
    return found;
  }

  private static Pattern words(String... alternatives) {
    return Pattern.compile("(?<![\\w-])(" + String.join("|", alternatives) + ")(?![\\w-])");
  }
}
