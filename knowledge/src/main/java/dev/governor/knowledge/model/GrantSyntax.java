package dev.governor.knowledge.model;

/** The form of a grant: {@code "<action pattern>:<resource pattern>"}, both parts non-empty. */
public final class GrantSyntax {

  private GrantSyntax() {}

  /** Null when the grant is well formed, else what is wrong with it. */
  public static String problem(String grant) {
    int colon = grant == null ? -1 : grant.indexOf(':');
    if (colon <= 0 || colon == grant.length() - 1 || grant.isBlank()) {
      return "a grant is \"<action pattern>:<resource pattern>\", such as"
          + " \"fs.write:/repo/docs/**\"; got \""
          + grant
          + "\"";
    }
    return null;
  }
}
