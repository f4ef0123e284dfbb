package dev.governor.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: what the same request costs with nothing but Vert.x in the way. One verticle
 * instance on its own Vertx, like Governor's single API verticle, that parses the plan into a
 * {@link JsonObject} and answers a fixed decision of about the size Governor answers with.
 */
final class BareServer implements AutoCloseable {

  /** A decision shaped like Governor's answer to the approved plan, fields and all. */
  static final Buffer ANSWER =
      new JsonObject()
          .put("planId", "5f0e8c1a-3b7d-4c2e-9a61-0d4b8f2e7c35")
          .put("agentId", "c3a9e2f4-71b8-4d05-8e6a-2b9f0c4d1e87")
          .put("verdict", "APPROVED")
          .put(
              "steps",
              new JsonArray()
                  .add(new JsonObject().put("id", "read-guide").put("verdict", "APPROVED"))
                  .add(new JsonObject().put("id", "write-guide").put("verdict", "APPROVED"))
                  .add(new JsonObject().put("id", "commit").put("verdict", "APPROVED")))
          .put(
              "findings",
              new JsonArray()
                  .add(finding("A read is approved", "read-guide", "reads need no grant"))
                  .add(
                      finding(
                          "A write with a covering grant is approved",
                          "commit",
                          "covered by grant \"git.commit:/repo/**\""))
                  .add(
                      finding(
                          "A write with a covering grant is approved",
                          "write-guide",
                          "covered by grant \"fs.write:/repo/**\"")))
          .put("ruleSetVersion", 1)
          .put("decidedBy", "rules")
          .put("auditSeq", 123456)
          .put("decidedAt", "2026-01-01T12:00:00.123456Z")
          .toBuffer();

  private final Vertx vertx;
  private final int port;

  private static JsonObject finding(String rule, String stepId, String message) {
    return new JsonObject()
        .put("rule", rule)
        .put("severity", "INFO")
        .put("stepId", stepId)
        .put("message", message)
        .put("verdict", "APPROVED");
  }

  private BareServer(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  static BareServer start() throws Exception {
    Vertx vertx = Vertx.vertx();
    Api api = new Api();
    try {
      vertx.deployVerticle(api).await(1, TimeUnit.MINUTES);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
    return new BareServer(vertx, api.server.actualPort());
  }

  /** This server in place of Governor: same path and token, so the requests are the same bytes. */
  Endpoint standingInFor(Endpoint governor) {
    return new Endpoint("bare Vert.x", port, governor.path(), governor.bearerToken());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static final class Api extends VerticleBase {

    private HttpServer server;

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer()
          .requestHandler(this::handle)
          .listen(0, Endpoint.HOST)
          .onSuccess(listening -> server = listening);
    }

    private void handle(HttpServerRequest request) {
      request
          .body()
          .onSuccess(
              body -> {
                JsonArray steps;
                try {
                  steps = new JsonObject(body).getJsonArray("steps");
                } catch (RuntimeException malformed) {
                  steps = null;
                }
                if (steps == null || steps.isEmpty()) {
                  request.response().setStatusCode(400).end();
                } else {
                  request.response().putHeader("content-type", "application/json").end(ANSWER);
                }
              })
          .onFailure(failure -> request.response().setStatusCode(500).end());
    }
  }
}
