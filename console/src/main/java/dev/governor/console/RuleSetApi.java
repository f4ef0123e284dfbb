package dev.governor.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.RuleSetActivated;
import dev.governor.knowledge.bus.Messages.RuleSetActivation;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.RuleSetVersion;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.rules.RuleCompilationException;
import dev.governor.rules.RuleCompiler;
import dev.governor.rules.RuleError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Rule-set versions: list, validate (changes nothing), create (compiled first; a broken one is
 * refused with its errors and the attempt audited), and activate (by the Analyze stage).
 */
final class RuleSetApi {

  private static final TypeReference<Map<String, String>> FILES = new TypeReference<>() {};

  private final Vertx vertx;
  private final Knowledge knowledge;
  private final Clock clock;

  RuleSetApi(Vertx vertx, Knowledge knowledge, Clock clock) {
    this.vertx = vertx;
    this.knowledge = knowledge;
    this.clock = clock;
  }

  void list(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    knowledge
        .read(KnowledgeStore::ruleSets)
        .onSuccess(
            versions -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              ArrayNode list = view.putArray("versions");
              for (RuleSetVersion version : versions) {
                list.add(Json.MAPPER.valueToTree(version));
                if (version.active()) {
                  view.put("active", version.version());
                }
              }
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void get(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    int version = Integer.parseInt(ctx.pathParam("version"));
    knowledge
        .read(s -> s.ruleSet(version))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_rule_set", "no rule-set version " + version);
              } else {
                Views.send(ctx, 200, found.get());
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void validate(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    Map<String, String> files = files(ctx);
    compile(files)
        .onSuccess(errors -> Views.send(ctx, 200, validation(errors)))
        .onFailure(failure -> HttpErrors.respond(ctx, 500, "internal_error", failure.getMessage()));
  }

  void create(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    Map<String, String> files = files(ctx);
    String comment = ctx.body().asJsonObject().getString("comment", "");
    String actor = Authenticator.of(ctx).actor();
    compile(files)
        .compose(
            errors -> {
              if (!errors.isEmpty()) {
                return knowledge
                    .write(s -> s.recordRejectedRuleSet(files, errors, actor, clock.instant()))
                    .onSuccess(seq -> Views.send(ctx, 422, validation(errors)))
                    .mapEmpty();
              }
              return knowledge
                  .write(s -> s.createRuleSet(files, comment, false, actor, clock.instant()))
                  .onSuccess(
                      created -> {
                        ctx.response().putHeader("location", "/api/v1/rulesets/" + created.version());
                        Views.send(ctx, 201, created);
                      })
                  .mapEmpty();
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void activate(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    int version = Integer.parseInt(ctx.pathParam("version"));
    vertx
        .eventBus()
        .<RuleSetActivated>request(
            Bus.ANALYZE_ACTIVATE_RULE_SET,
            new RuleSetActivation(version, Authenticator.of(ctx).actor()))
        .compose(reply -> knowledge.read(s -> s.ruleSet(reply.body().version())))
        .onSuccess(activated -> Views.send(ctx, 200, activated.orElseThrow()))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  /** Compiles off the event loop; an empty list means the files compile. */
  private Future<List<RuleError>> compile(Map<String, String> files) {
    return vertx.executeBlocking(
        () -> {
          try (var compiled = RuleCompiler.compile(0, files)) {
            return List.<RuleError>of();
          } catch (RuleCompilationException invalid) {
            return invalid.errors();
          }
        },
        false);
  }

  private static ObjectNode validation(List<RuleError> errors) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("ok", errors.isEmpty());
    view.set("errors", Json.MAPPER.valueToTree(errors));
    view.putArray("testResults");
    return view;
  }

  private static Map<String, String> files(RoutingContext ctx) {
    return Json.MAPPER.convertValue(ctx.body().asJsonObject().getJsonObject("files").getMap(), FILES);
  }

  private static boolean allowed(RoutingContext ctx, Role role) {
    return OperatorApi.allowed(ctx, role);
  }
}
