package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Role;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves who a request acts for: a bearer token (an agent, or an operator who scripts), or the
 * console's session cookie (an operator signed in with a password).
 *
 * <p>A cookie is sent by the browser on its own, so a request authenticated by one must also prove
 * it comes from the console: every request that changes something echoes the session's CSRF token
 * in {@value Sessions#CSRF_HEADER}. Bearer tokens are never sent on their own and need no such
 * proof.
 */
final class Authenticator {

  static final String PRINCIPAL = "governor.principal";
  static final Operator BUILT_IN_ADMIN = new Operator("admin", Set.of(Role.ADMIN));
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  private final Knowledge knowledge;
  private final Sessions sessions;
  private final String configuredAdminHash;

  Authenticator(Knowledge knowledge, Sessions sessions, String configuredAdminToken) {
    this.knowledge = knowledge;
    this.sessions = sessions;
    this.configuredAdminHash =
        configuredAdminToken == null ? null : Secrets.tokenHash(configuredAdminToken);
  }

  /** Root handler: every API request carries a known token or session, or ends here with 401. */
  void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
      if (cookie != null) {
        authenticateSession(ctx, cookie.getValue());
        return;
      }
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
      HttpErrors.respond(
          ctx,
          401,
          "unauthenticated",
          "send \"Authorization: Bearer <token>\" with every request, or sign in to the console");
      return;
    }
    String tokenHash = Secrets.tokenHash(header.substring(7).strip());
    principal(tokenHash)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 401, "unauthenticated", "the token is not known");
              } else {
                ctx.put(PRINCIPAL, found.get());
                ctx.next();
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  static Principal of(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** Who a token acts for, for signing in to the console with a token instead of a password. */
  Future<Optional<Principal>> principalOfToken(String token) {
    return principal(Secrets.tokenHash(token));
  }

  private boolean isBuiltInAdmin(String tokenHash) {
    return configuredAdminHash != null && Secrets.sameDigest(configuredAdminHash, tokenHash);
  }

  private void authenticateSession(RoutingContext ctx, String id) {
    Optional<Sessions.Session> found = sessions.find(id);
    if (found.isEmpty()) {
      HttpErrors.respond(
          ctx, 401, "unauthenticated", "the console session has ended; sign in again");
      return;
    }
    Sessions.Session session = found.get();
    if (!SAFE.contains(ctx.request().method())) {
      String echoed = ctx.request().getHeader(Sessions.CSRF_HEADER);
      if (echoed == null || !Secrets.sameDigest(echoed, session.csrfToken())) {
        HttpErrors.respond(
            ctx,
            403,
            "csrf_token_invalid",
            "a request signed in by cookie must send the session's CSRF token in "
                + Sessions.CSRF_HEADER);
        return;
      }
    }
    if (session.builtIn()) {
      ctx.put(PRINCIPAL, new Principal.OperatorPrincipal(session.operator()));
      ctx.next();
      return;
    }
    // Roles are read afresh, so a change or a disabling takes effect on the next request.
    knowledge
        .read(s -> s.operators().credentials(session.operator().name()))
        .onSuccess(
            credentials -> {
              if (credentials.isEmpty()) {
                sessions.close(id);
                HttpErrors.respond(
                    ctx, 401, "unauthenticated", "this operator can no longer sign in");
              } else {
                ctx.put(PRINCIPAL, new Principal.OperatorPrincipal(credentials.get().operator()));
                ctx.next();
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  private Future<Optional<Principal>> principal(String tokenHash) {
    if (isBuiltInAdmin(tokenHash)) {
      return Future.succeededFuture(Optional.of(new Principal.OperatorPrincipal(BUILT_IN_ADMIN)));
    }
    var cached = knowledge.store().cachedAgentByTokenHash(tokenHash);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.map(Principal.AgentPrincipal::new));
    }
    return knowledge.read(
        s ->
            s.agentByTokenHash(tokenHash)
                .<Principal>map(Principal.AgentPrincipal::new)
                .or(() -> s.operatorByTokenHash(tokenHash).map(Principal.OperatorPrincipal::new)));
  }
}
