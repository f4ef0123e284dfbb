package dev.governor.rules;

import dev.governor.knowledge.model.EffectClass;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The effect class and resource kind of an action {@code namespace.verb}. An operator's override
 * wins, then what the agent declared for its own tools, then the default from the verb and
 * namespace. An action nobody classified counts as a write: least privilege fails closed.
 */
public final class ActionCatalogue {

  /** The catalogue with no operator overrides. */
  public static final ActionCatalogue DEFAULTS = new ActionCatalogue(Map.of());

  public static final String READ = "read";
  public static final String WRITE = "write";
  public static final String DESTRUCTIVE = "destructive";
  public static final String EXTERNAL = "external";

  private static final Set<String> READ_VERBS =
      Set.of(
          "get",
          "list",
          "read",
          "search",
          "describe",
          "show",
          "view",
          "query",
          "find",
          "stat",
          "diff",
          "status",
          "log",
          "inspect",
          "watch",
          "head");
  private static final Set<String> DESTRUCTIVE_VERBS =
      Set.of(
          "delete",
          "drop",
          "destroy",
          "truncate",
          "recreate",
          "purge",
          "force-push",
          "wipe",
          "teardown",
          "tear-down",
          "remove",
          "rm",
          "erase",
          "nuke",
          "reset");
  private static final Set<String> EXTERNAL_VERBS =
      Set.of("http", "email", "send", "upload", "publish", "notify", "post-external", "webhook");
  private static final Set<String> EXTERNAL_NAMESPACES =
      Set.of("http", "https", "email", "mail", "slack", "webhook", "sms", "net");

  private final Map<String, EffectClass> overrides;

  public ActionCatalogue(Map<String, EffectClass> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** A catalogue with one more (or one changed) override. */
  public ActionCatalogue with(String action, EffectClass effect) {
    Map<String, EffectClass> next = new HashMap<>(overrides);
    next.put(action, effect);
    return new ActionCatalogue(next);
  }

  /** The effect of an action for an agent that declared {@code agentTools}. */
  public String effectOf(String action, Map<String, EffectClass> agentTools) {
    EffectClass chosen = overrides.get(action);
    if (chosen == null) {
      chosen = agentTools.get(action);
    }
    return chosen == null ? defaultEffectOf(action) : chosen.wireName();
  }

  public static String namespace(String action) {
    int dot = action.lastIndexOf('.');
    return dot < 0 ? "" : action.substring(0, dot).toLowerCase(Locale.ROOT);
  }

  public static String verb(String action) {
    int dot = action.lastIndexOf('.');
    return action.substring(dot + 1).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The effect from the verb and namespace alone. */
  public static String defaultEffectOf(String action) {
    String verb = verb(action);
    if (DESTRUCTIVE_VERBS.contains(verb)) {
      return DESTRUCTIVE;
    }
    if (EXTERNAL_NAMESPACES.contains(rootNamespace(action)) || EXTERNAL_VERBS.contains(verb)) {
      return EXTERNAL;
    }
    if (READ_VERBS.contains(verb)) {
      return READ;
    }
    return WRITE;
  }

  /** What kind of resource a step touches, from its namespace or the scheme of its target. */
  public static String resourceKindOf(String action, String target) {
    String scheme = target.contains(":") ? target.substring(0, target.indexOf(':')) : "";
    String kind = kindOfName(scheme.toLowerCase(Locale.ROOT));
    return kind.equals("other") ? kindOfName(rootNamespace(action)) : kind;
  }

  private static String kindOfName(String name) {
    return switch (name) {
      case "env", "environment", "environments", "infra", "stack", "cluster", "k8s", "terraform" ->
          "environment";
      case "db", "database", "sql", "postgres", "mysql", "table" -> "database";
      case "config", "configuration", "settings", "secrets" -> "configuration";
      case "fs", "file", "files" -> "file";
      case "git", "repo", "repository" -> "repository";
      case "http", "https", "email", "mail", "slack", "webhook", "sms", "net" -> "external";
      default -> "other";
    };
  }

  private static String rootNamespace(String action) {
    String namespace = namespace(action);
    int dot = namespace.indexOf('.');
    return dot < 0 ? namespace : namespace.substring(0, dot);
  }
}
