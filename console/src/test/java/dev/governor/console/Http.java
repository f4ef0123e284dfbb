package dev.governor.console;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small real-HTTP client for tests: every call goes over a socket to a running Governor. */
final class Http {

  /** A status and a JSON body (empty when the body is not JSON). */
  record Reply(int status, JsonObject json) {
    String errorCode() {
      return json.getJsonObject("error", new JsonObject()).getString("code");
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  String base() {
    return base;
  }

  Reply get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  Reply post(String path, String token, String body) {
    return send(
        request(path, token)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  Reply put(String path, String token, JsonObject body) {
    return send(
        request(path, token)
            .header("content-type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build());
  }

  Reply post(String path, String token, JsonObject body) {
    return post(path, token, body.encode());
  }

  CompletableFuture<Reply> getAsync(String path, String token) {
    return client
        .sendAsync(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(Http::reply);
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private Reply send(HttpRequest request) {
    try {
      return reply(client.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply reply(HttpResponse<String> response) {
    String body = response.body();
    JsonObject json;
    try {
      json = body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (RuntimeException notJson) {
      json = new JsonObject().put("text", body);
    }
    return new Reply(response.statusCode(), json);
  }
}
