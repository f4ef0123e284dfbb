package dev.governor.console;

import dev.governor.knowledge.bus.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every error Governor's API answers: {@code {"error": {"code": ..., "message": ...}}}. */
final class HttpErrors {

  private HttpErrors() {}

  static void respond(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put("error", new JsonObject().put("code", code).put("message", message))
                .encode());
  }

  static void respond(RoutingContext ctx, Problem problem) {
    respond(ctx, problem.failure().code(), problem.code(), problem.message());
  }
}
