package dev.governor.rules;

import dev.governor.knowledge.model.GrantSyntax;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Grants, {@code "<action pattern>:<resource pattern>"}. In the action pattern {@code *} matches
 * anything; in the resource pattern {@code **} matches anything, {@code *} anything but {@code /}
 * and {@code ?} one character other than {@code /}. {@code fs.write:/repo/docs/**} covers {@code
 * fs.write} on every path under {@code /repo/docs/}.
 */
public final class Grants {

  private record Compiled(String grant, Pattern action, Pattern resource) {
    boolean covers(String actionName, String target) {
      return action.matcher(actionName).matches() && resource.matcher(target).matches();
    }
  }

  private static final Map<String, Compiled> CACHE = new ConcurrentHashMap<>();

  private Grants() {}

  /** The first grant that covers the action on the target, or null. */
  public static String covering(List<String> grants, String action, String target) {
    for (String grant : grants) {
      Compiled compiled = CACHE.computeIfAbsent(grant, Grants::compile);
      if (compiled != null && compiled.covers(action, target)) {
        return grant;
      }
    }
    return null;
  }

  private static Compiled compile(String grant) {
    if (GrantSyntax.problem(grant) != null) {
      return null;
    }
    int colon = grant.indexOf(':');
    return new Compiled(
        grant, glob(grant.substring(0, colon), true), glob(grant.substring(colon + 1), false));
  }

  private static Pattern glob(String pattern, boolean starMatchesAll) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append(starMatchesAll ? ".*" : "[^/]*");
      } else if (c == '?') {
        regex.append(starMatchesAll ? "." : "[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
