package dev.governor.console;

import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Operator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sign-ins. A session is a random id in an HttpOnly, SameSite=Strict cookie; Governor keeps
 * only the id's hash, the operator's name and a CSRF token that every changing request must echo in
 * a header. Sessions live in memory: a restart signs everyone out, which is the safe side.
 */
final class Sessions {

  static final String COOKIE = "governor_session";
  static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * One signed-in operator. {@code builtIn} marks the admin of {@code GOVERNOR_ADMIN_TOKEN}, who is
   * not in the store; every other session's roles are read afresh on each request.
   */
  record Session(Operator operator, boolean builtIn, String csrfToken, Instant expiresAt) {}

  /** A new session and the cookie value that names it (never stored). */
  record Opened(String id, Session session) {}

  private final Map<String, Session> byIdHash = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration lifetime;

  Sessions(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  Opened open(Operator operator, boolean builtIn) {
    String id = Secrets.newToken("gvs_");
    Session session =
        new Session(operator, builtIn, Secrets.newToken("csrf_"), clock.instant().plus(lifetime));
    byIdHash.put(Secrets.tokenHash(id), session);
    return new Opened(id, session);
  }

  Optional<Session> find(String id) {
    String hash = Secrets.tokenHash(id);
    Session session = byIdHash.get(hash);
    if (session == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(session.expiresAt())) {
      byIdHash.remove(hash);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  void close(String id) {
    byIdHash.remove(Secrets.tokenHash(id));
  }

  /** Forgets expired sessions; run now and then. */
  void purge() {
    Instant now = clock.instant();
    byIdHash.values().removeIf(session -> !now.isBefore(session.expiresAt()));
  }

  Duration lifetime() {
    return lifetime;
  }
}
