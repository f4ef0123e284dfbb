package dev.governor.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Single blocking calls for setting up and checking a target, outside the measured load. */
final class Calls implements AutoCloseable {

  /** A status and its parsed JSON body (empty when the body is not a JSON object). */
  record Reply(int status, JsonObject body, String text) {}

  private final HttpClientAgent client;
  private final Duration timeout;

  Calls(Vertx vertx, Duration timeout) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(Endpoint.HOST));
    this.timeout = timeout;
  }

  Reply post(int port, String path, String token, Buffer body) throws Exception {
    return call(HttpMethod.POST, port, path, token, body);
  }

  Reply get(int port, String path, String token) throws Exception {
    return call(HttpMethod.GET, port, path, token, null);
  }

  private Reply call(HttpMethod method, int port, String path, String token, Buffer body)
      throws Exception {
    RequestOptions request =
        new RequestOptions()
            .setMethod(method)
            .setPort(port)
            .setURI(path)
            .setIdleTimeout(timeout.toMillis())
            .putHeader("accept", "application/json")
            .putHeader("authorization", "Bearer " + token);
    if (body != null) {
      request.putHeader("content-type", "application/json");
    }
    return client
        .request(request)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(response -> response.body().map(text -> reply(response.statusCode(), text)))
        .await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Reply reply(int status, Buffer text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (RuntimeException notAnObject) {
      json = new JsonObject();
    }
    return new Reply(status, json, text.toString());
  }

  @Override
  public void close() throws Exception {
    client.close().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
