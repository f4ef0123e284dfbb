package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.store.TimelineStore;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The traces of an agent and of a task, newest first, for operators. */
final class TimelineApi {

  private static final int DEFAULT_LIMIT = 200;

  private final Knowledge knowledge;

  TimelineApi(Knowledge knowledge) {
    this.knowledge = knowledge;
  }

  void agent(RoutingContext ctx) {
    String agentId = ctx.pathParam("agentId");
    respond(
        ctx,
        "unknown_agent",
        "no agent " + agentId,
        (timeline, before, limit) -> timeline.agent(agentId, before, limit));
  }

  void task(RoutingContext ctx) {
    String taskId = ctx.pathParam("taskId");
    respond(
        ctx,
        "unknown_task",
        "no task " + taskId,
        (timeline, before, limit) -> timeline.task(taskId, before, limit));
  }

  private interface Read {
    Optional<TimelineStore.Page> page(TimelineStore timeline, Long before, int limit);
  }

  private void respond(RoutingContext ctx, String unknownCode, String unknownMessage, Read read) {
    if (!OperatorApi.allowed(ctx, Role.VIEWER)) {
      return;
    }
    String beforeParam = ctx.queryParams().get("before");
    Long before = beforeParam == null ? null : Long.parseLong(beforeParam);
    String limitParam = ctx.queryParams().get("limit");
    int limit = limitParam == null ? DEFAULT_LIMIT : Integer.parseInt(limitParam);
    knowledge
        .read(store -> read.page(store.timeline(), before, limit))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 404, unknownCode, unknownMessage);
              } else {
                Views.send(ctx, 200, found.get());
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }
}
