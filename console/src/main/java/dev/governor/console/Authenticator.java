package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Role;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/** Resolves a bearer token to the agent or operator it acts for. */
final class Authenticator {

  static final String PRINCIPAL = "governor.principal";
  private static final Operator ADMIN = new Operator("admin", Set.of(Role.ADMIN));

  private final Knowledge knowledge;
  private final String configuredAdminHash;

  Authenticator(Knowledge knowledge, String configuredAdminToken) {
    this.knowledge = knowledge;
    this.configuredAdminHash =
        configuredAdminToken == null ? null : Secrets.tokenHash(configuredAdminToken);
  }

  /** Root handler: every API request carries a known token, or ends here with 401. */
  void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
      HttpErrors.respond(
          ctx, 401, "unauthenticated", "send \"Authorization: Bearer <token>\" with every request");
      return;
    }
    principal(Secrets.tokenHash(header.substring(7).strip()))
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

  private Future<Optional<Principal>> principal(String tokenHash) {
    if (configuredAdminHash != null && Secrets.sameDigest(configuredAdminHash, tokenHash)) {
      return Future.succeededFuture(Optional.of(new Principal.OperatorPrincipal(ADMIN)));
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
