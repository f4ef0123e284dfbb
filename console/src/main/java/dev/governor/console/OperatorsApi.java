package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.store.KnowledgeException;
import dev.governor.knowledge.store.OperatorStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Administering operators (admin role): create one with roles, a password for the console and an
 * API token for scripts (shown once); change roles or password; disable. Every change is audited
 * with the administrator's name.
 */
final class OperatorsApi {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");

  private final Vertx vertx;
  private final Knowledge knowledge;
  private final Clock clock;

  OperatorsApi(Vertx vertx, Knowledge knowledge, Clock clock) {
    this.vertx = vertx;
    this.knowledge = knowledge;
    this.clock = clock;
  }

  void list(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.ADMIN)) {
      return;
    }
    knowledge
        .read(s -> s.operators().list())
        .onSuccess(
            accounts ->
                Views.send(
                    ctx,
                    200,
                    Map.of("operators", accounts.stream().map(OperatorStore::view).toList())))
        .onFailure(f -> HttpErrors.respond(ctx, 503, "unavailable", f.getMessage()));
  }

  void create(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.ADMIN)) {
      return;
    }
    JsonObject body = AgentApi.bodyOf(ctx);
    String name = body.getString("name");
    if (name == null || !NAME.matcher(name).matches()) {
      HttpErrors.respond(
          ctx,
          400,
          "invalid_request",
          "an operator's name is 1 to 100 letters, digits and . _ @ -, starting with a letter or"
              + " digit");
      return;
    }
    if (name.equalsIgnoreCase(Authenticator.BUILT_IN_ADMIN.name())) {
      // The administrator of GOVERNOR_ADMIN_TOKEN acts as "admin" in the audit log.
      HttpErrors.respond(
          ctx, 409, "operator_exists", "the name \"admin\" is the built-in administrator's");
      return;
    }
    Set<Role> roles = roles(ctx, body.getJsonArray("roles"));
    if (roles == null) {
      return;
    }
    String password = body.getString("password");
    if (password != null && Passwords.problem(password) != null) {
      HttpErrors.respond(ctx, 400, "weak_password", Passwords.problem(password));
      return;
    }
    String actor = Authenticator.of(ctx).actor();
    String token = Secrets.newToken("gvo_");
    hash(password)
        .compose(
            passwordHash ->
                knowledge.write(
                    s ->
                        s.operators()
                            .create(
                                name,
                                roles,
                                passwordHash,
                                Secrets.tokenHash(token),
                                actor,
                                clock.instant())))
        .onSuccess(
            account -> {
              Map<String, Object> view = new LinkedHashMap<>(OperatorStore.view(account));
              view.put("token", token);
              Views.send(ctx, 201, view);
            })
        .onFailure(failure -> refused(ctx, failure));
  }

  void update(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.ADMIN)) {
      return;
    }
    String name = ctx.pathParam("name");
    JsonObject body = AgentApi.bodyOf(ctx);
    Set<Role> roles = null;
    if (body.containsKey("roles")) {
      roles = roles(ctx, body.getJsonArray("roles"));
      if (roles == null) {
        return;
      }
    }
    String password = body.getString("password");
    if (password != null && Passwords.problem(password) != null) {
      HttpErrors.respond(ctx, 400, "weak_password", Passwords.problem(password));
      return;
    }
    if (roles == null && password == null) {
      HttpErrors.respond(ctx, 400, "missing_field", "send roles, a password, or both");
      return;
    }
    Set<Role> newRoles = roles;
    String actor = Authenticator.of(ctx).actor();
    hash(password)
        .compose(
            passwordHash ->
                knowledge.write(
                    s ->
                        s.operators().update(name, newRoles, passwordHash, actor, clock.instant())))
        .onSuccess(account -> Views.send(ctx, 200, OperatorStore.view(account)))
        .onFailure(failure -> refused(ctx, failure));
  }

  void disable(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.ADMIN)) {
      return;
    }
    String name = ctx.pathParam("name");
    Principal principal = Authenticator.of(ctx);
    if (principal.actor().equals("operator:" + name)) {
      HttpErrors.respond(
          ctx, 409, "cannot_disable_self", "an administrator cannot disable their own account");
      return;
    }
    knowledge
        .write(s -> s.operators().disable(name, principal.actor(), clock.instant()))
        .onSuccess(account -> Views.send(ctx, 200, OperatorStore.view(account)))
        .onFailure(failure -> refused(ctx, failure));
  }

  private Future<String> hash(String password) {
    return password == null
        ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> Passwords.hash(password), false);
  }

  /** The roles named, or null after answering 400. */
  private static Set<Role> roles(RoutingContext ctx, JsonArray names) {
    if (names == null || names.isEmpty()) {
      HttpErrors.respond(
          ctx,
          400,
          "missing_field",
          "an operator needs at least one role: viewer, approver, author, admin");
      return null;
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object name : names) {
      try {
        roles.add(Role.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        HttpErrors.respond(
            ctx,
            400,
            "invalid_request",
            "\""
                + name
                + "\" is not a role; roles are "
                + List.of("viewer", "approver", "author", "admin"));
        return null;
      }
    }
    return roles;
  }

  private static void refused(RoutingContext ctx, Throwable failure) {
    if (failure instanceof KnowledgeException known) {
      switch (known.kind()) {
        case CONFLICT -> HttpErrors.respond(ctx, 409, "operator_exists", known.getMessage());
        case NOT_FOUND -> HttpErrors.respond(ctx, 404, "unknown_operator", known.getMessage());
        default -> HttpErrors.respond(ctx, 503, "unavailable", known.getMessage());
      }
    } else {
      HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage());
    }
  }
}
