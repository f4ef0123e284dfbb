package dev.governor.knowledge.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Resource patterns as in grants and task scopes: {@code **} matches anything, {@code *} anything
 * but {@code /}, {@code ?} one character other than {@code /}.
 */
public final class ResourcePatterns {

  private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

  private ResourcePatterns() {}

  public static boolean covers(String pattern, String resource) {
    return CACHE.computeIfAbsent(pattern, ResourcePatterns::compile).matcher(resource).matches();
  }

  /** The first pattern that covers the resource, or null. */
  public static String covering(List<String> patterns, String resource) {
    for (String pattern : patterns) {
      if (covers(pattern, resource)) {
        return pattern;
      }
    }
    return null;
  }

  /** The resource part of a grant {@code "<action pattern>:<resource pattern>"}. */
  public static String resourceOf(String grant) {
    return grant.substring(grant.indexOf(':') + 1);
  }

  private static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
