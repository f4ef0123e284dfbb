package dev.governor.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.ActionEffectOverride;
import dev.governor.knowledge.bus.Messages.ActionEffectSet;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.EffectClass;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.rules.ActionCatalogue;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The action catalogue: how an action is classified, and operators' overrides. */
final class ActionApi {

  private final Knowledge knowledge;
  private final EventBus bus;

  ActionApi(Knowledge knowledge, EventBus bus) {
    this.knowledge = knowledge;
    this.bus = bus;
  }

  void list(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.VIEWER)) {
      return;
    }
    knowledge
        .read(KnowledgeStore::actionEffects)
        .onSuccess(overrides -> Views.send(ctx, 200, Map.of("overrides", overrides)))
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  /** How an action is classified for agents that declared nothing about it. */
  void get(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.VIEWER)) {
      return;
    }
    String action = ctx.pathParam("action");
    knowledge
        .read(KnowledgeStore::actionEffects)
        .onSuccess(
            overrides -> {
              EffectClass override = overrides.get(action);
              ObjectNode view = Json.MAPPER.createObjectNode();
              view.put("action", action);
              view.put(
                  "effect",
                  override == null ? ActionCatalogue.defaultEffectOf(action) : override.wireName());
              view.put("source", override == null ? "default" : "override");
              view.put("resourceKind", ActionCatalogue.resourceKindOf(action, ""));
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void set(RoutingContext ctx) {
    if (!OperatorApi.allowed(ctx, Role.AUTHOR)) {
      return;
    }
    String effect = AgentApi.bodyOf(ctx).getString("effect");
    bus.<ActionEffectSet>request(
            Bus.MONITOR_SET_ACTION_EFFECT,
            new ActionEffectOverride(
                ctx.pathParam("action"), effect, Authenticator.of(ctx).actor()))
        .onSuccess(reply -> Views.send(ctx, 200, reply.body()))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }
}
