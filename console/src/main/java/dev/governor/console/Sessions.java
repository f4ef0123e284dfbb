package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.store.SessionStore.StoredSession;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sign-ins. A session is a random id in an HttpOnly, SameSite=Strict cookie; Governor keeps
 * only the id's hash, the operator's name and a CSRF token that every changing request must echo in
 * a header. Sessions are recorded in the knowledge store, so a restart signs nobody out, and held
 * in memory, so checking one costs no read.
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
  private final Knowledge knowledge;
  private final Clock clock;
  private final Duration lifetime;

  Sessions(Knowledge knowledge, Clock clock, Duration lifetime) {
    this.knowledge = knowledge;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /**
   * Takes up the sign-ins recorded before a restart. A built-in admin's session is kept only while
   * Governor has a configured admin token.
   */
  Future<Void> load(boolean builtInAdminConfigured) {
    return knowledge
        .read(s -> s.sessions().active(clock.instant()))
        .map(
            stored -> {
              for (StoredSession session : stored) {
                if (session.builtIn() && !builtInAdminConfigured) {
                  continue;
                }
                Operator operator =
                    session.builtIn()
                        ? Authenticator.BUILT_IN_ADMIN
                        : new Operator(session.operator(), Set.of());
                byIdHash.put(
                    session.idHash(),
                    new Session(
                        operator, session.builtIn(), session.csrfToken(), session.expiresAt()));
              }
              return null;
            });
  }

  /** Records a new sign-in; the future completes once it is durable. */
  Future<Opened> open(Operator operator, boolean builtIn) {
    String id = Secrets.newToken("gvs_");
    String idHash = Secrets.tokenHash(id);
    Instant now = clock.instant();
    Session session = new Session(operator, builtIn, Secrets.newToken("csrf_"), now.plus(lifetime));
    StoredSession stored =
        new StoredSession(
            idHash, operator.name(), builtIn, session.csrfToken(), session.expiresAt());
    return knowledge
        .write(s -> s.sessions().open(stored, now))
        .map(
            recorded -> {
              byIdHash.put(idHash, session);
              return new Opened(id, session);
            });
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

  /** Ends a sign-in at once here, and in the store. */
  Future<Boolean> close(String id) {
    String idHash = Secrets.tokenHash(id);
    byIdHash.remove(idHash);
    return knowledge.write(s -> s.sessions().close(idHash, clock.instant()));
  }

  /** Forgets expired sessions; run now and then. */
  void purge() {
    Instant now = clock.instant();
    byIdHash.values().removeIf(session -> !now.isBefore(session.expiresAt()));
    knowledge.write(s -> s.sessions().purge(now));
  }

  Duration lifetime() {
    return lifetime;
  }
}
