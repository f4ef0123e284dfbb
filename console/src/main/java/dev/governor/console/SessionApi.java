package dev.governor.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.store.OperatorStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signing in to the console: {@code POST /api/v1/session} with a name and password (or an operator
 * token) sets the session cookie and answers the CSRF token; {@code DELETE} signs out.
 *
 * <p>Signing in needs no credential, but it only takes {@code application/json}, which a page on
 * another site cannot send without the browser asking first (and Governor allows no other origin),
 * so no other site can sign a visitor in behind their back.
 */
final class SessionApi {

  /** Failed sign-ins allowed per name in {@link #FAILURE_WINDOW} before answering 429. */
  static final int MAX_FAILURES = 10;

  static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final Knowledge knowledge;
  private final Sessions sessions;
  private final Authenticator authenticator;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  SessionApi(
      Vertx vertx,
      Knowledge knowledge,
      Sessions sessions,
      Authenticator authenticator,
      Clock clock) {
    this.vertx = vertx;
    this.knowledge = knowledge;
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.clock = clock;
  }

  void signIn(RoutingContext ctx) {
    JsonObject body = AgentApi.bodyOf(ctx);
    String token = body.getString("token");
    String name = body.getString("name");
    String password = body.getString("password");
    if (token != null) {
      authenticator
          .principalOfToken(token.strip())
          .onSuccess(
              found -> {
                if (found.isEmpty()) {
                  HttpErrors.respond(ctx, 401, "invalid_credentials", "the token is not known");
                } else if (found.get() instanceof Principal.OperatorPrincipal operator) {
                  Operator who = operator.operator();
                  open(ctx, who, who == Authenticator.BUILT_IN_ADMIN);
                } else {
                  HttpErrors.respond(
                      ctx,
                      403,
                      "not_operator",
                      "that is an agent's token; the console is for operators");
                }
              })
          .onFailure(f -> HttpErrors.respond(ctx, 503, "unavailable", f.getMessage()));
      return;
    }
    if (name == null || password == null) {
      HttpErrors.respond(
          ctx, 400, "missing_field", "sign in with a name and a password, or with a token");
      return;
    }
    String key = name.toLowerCase(Locale.ROOT);
    if (tooManyFailures(key)) {
      HttpErrors.respond(
          ctx,
          429,
          "too_many_attempts",
          "too many failed sign-ins for this name; try again in "
              + FAILURE_WINDOW.toMinutes()
              + " minutes");
      return;
    }
    knowledge
        .read(s -> s.operators().credentials(name))
        .compose(
            credentials ->
                vertx.executeBlocking(
                    () -> {
                      // Checked even when the name is unknown, so the answer takes as long.
                      String hash =
                          credentials.flatMap(OperatorStore.Credentials::passwordHash).orElse(null);
                      return Passwords.matches(password, hash)
                          ? credentials.map(OperatorStore.Credentials::operator)
                          : Optional.<Operator>empty();
                    },
                    false))
        .onSuccess(
            operator -> {
              if (operator.isEmpty()) {
                recordFailure(key);
                HttpErrors.respond(
                    ctx, 401, "invalid_credentials", "the name or the password is wrong");
              } else {
                failures.remove(key);
                open(ctx, operator.get(), false);
              }
            })
        .onFailure(f -> HttpErrors.respond(ctx, 503, "unavailable", f.getMessage()));
  }

  void current(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
    Optional<Sessions.Session> session =
        cookie == null ? Optional.empty() : sessions.find(cookie.getValue());
    if (session.isEmpty()) {
      HttpErrors.respond(
          ctx, 404, "no_session", "this request is not signed in with a console session");
      return;
    }
    Principal.OperatorPrincipal principal = (Principal.OperatorPrincipal) Authenticator.of(ctx);
    Views.send(ctx, 200, view(principal.operator(), session.get()));
  }

  void signOut(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
    Future<Boolean> closed =
        cookie == null ? Future.succeededFuture(false) : sessions.close(cookie.getValue());
    closed
        .onSuccess(
            ended -> {
              ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
              ctx.response().setStatusCode(204).end();
            })
        .onFailure(f -> HttpErrors.respond(ctx, 503, "unavailable", f.getMessage()));
  }

  private void open(RoutingContext ctx, Operator operator, boolean builtIn) {
    sessions
        .open(operator, builtIn)
        .onSuccess(
            opened -> {
              ctx.response()
                  .addCookie(cookie(ctx, opened.id()).setMaxAge(sessions.lifetime().toSeconds()));
              Views.send(ctx, 200, view(operator, opened.session()));
            })
        .onFailure(f -> HttpErrors.respond(ctx, 503, "unavailable", f.getMessage()));
  }

  /** Secure when the console is reached over TLS (directly or through a proxy that says so). */
  private static Cookie cookie(RoutingContext ctx, String value) {
    boolean tls =
        ctx.request().isSSL()
            || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    return Cookie.cookie(Sessions.COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(tls);
  }

  private static ObjectNode view(Operator operator, Sessions.Session session) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("name", operator.name());
    ArrayNode roles = view.putArray("roles");
    operator.roles().stream()
        .map(Role::name)
        .map(role -> role.toLowerCase(Locale.ROOT))
        .sorted()
        .forEach(roles::add);
    view.put("csrfToken", session.csrfToken());
    view.put("expiresAt", session.expiresAt().toString());
    return view;
  }

  private boolean tooManyFailures(String key) {
    Deque<Instant> recent = failures.get(key);
    if (recent == null) {
      return false;
    }
    synchronized (recent) {
      Instant horizon = clock.instant().minus(FAILURE_WINDOW);
      while (!recent.isEmpty() && recent.peekFirst().isBefore(horizon)) {
        recent.pollFirst();
      }
      return recent.size() >= MAX_FAILURES;
    }
  }

  private void recordFailure(String key) {
    Deque<Instant> recent = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (recent) {
      recent.addLast(clock.instant());
      while (recent.size() > MAX_FAILURES) {
        recent.pollFirst();
      }
    }
  }

  /** Forgets failures older than the window; run now and then so the map stays small. */
  void purgeFailures() {
    Instant horizon = clock.instant().minus(FAILURE_WINDOW);
    failures
        .values()
        .removeIf(
            recent -> {
              synchronized (recent) {
                return recent.isEmpty() || recent.peekLast().isBefore(horizon);
              }
            });
  }
}
