package dev.governor.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop telemetry: N connections, each posting a batch of events to one of the agents'
 * telemetry routes, waiting for the acknowledgement (which Governor gives only once the batch is
 * durable) and posting the next. Counts acknowledged events, refusals (429) and errors between
 * {@link #beginMeasuring()} and {@link #stop()}.
 */
final class TelemetryLoad {

  /** What the load did in its measured window. */
  record Result(long events, long batches, long refusedBatches, long errors, double seconds) {
    double eventsPerSecond() {
      return seconds <= 0 ? 0 : events / seconds;
    }
  }

  private final Vertx vertx;
  private final List<Endpoint> agents;
  private final int connections;
  private final int eventsPerBatch;
  private final Buffer body;
  private final HttpClientAgent client;
  private final LongAdder events = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder allEvents = new LongAdder();
  private final AtomicInteger running = new AtomicInteger();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean measuring;
  private volatile boolean stopping;
  private volatile long measureStart;
  private final long intervalNanos;

  /**
   * With {@code eventsPerSecond} above zero, each connection paces its batches so that together
   * they offer that rate (less if Governor is slower); at zero they send as fast as answered.
   */
  TelemetryLoad(
      Vertx vertx,
      List<Endpoint> agents,
      int connections,
      int eventsPerBatch,
      long eventsPerSecond) {
    this.vertx = vertx;
    this.intervalNanos =
        eventsPerSecond <= 0 ? 0 : (long) (1e9 * connections * eventsPerBatch / eventsPerSecond);
    this.agents = List.copyOf(agents);
    this.connections = connections;
    this.eventsPerBatch = eventsPerBatch;
    this.body = batch(eventsPerBatch);
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(Endpoint.HOST)
                .setDefaultPort(agents.get(0).port())
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(connections));
  }

  /** A batch like a busy agent's: tool calls with their tokens, cost and task. */
  static Buffer batch(int size) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < size; i++) {
      events.add(
          new JsonObject()
              .put("kind", "tool_call")
              .put("taskId", "task-" + (i % 4))
              .put("tool", "shell.run")
              .put("durationMs", 40 + i % 200)
              .put("ok", true)
              .put("tokensIn", 120 + i % 50)
              .put("tokensOut", 30 + i % 20)
              .put("model", "gpt-bench")
              .put("costUsd", 0.0004));
    }
    return new JsonObject().put("events", events).toBuffer();
  }

  int bodyBytes() {
    return body.length();
  }

  void start() {
    running.set(connections);
    for (int i = 0; i < connections; i++) {
      Endpoint agent = agents.get(i % agents.size());
      Context context = vertx.getOrCreateContext();
      long offset = intervalNanos * i / connections;
      context.runOnContext(v -> send(context, agent, System.nanoTime() + offset));
    }
  }

  void beginMeasuring() {
    events.reset();
    batches.reset();
    refused.reset();
    errors.reset();
    measureStart = System.nanoTime();
    measuring = true;
  }

  Result stop() throws Exception {
    long end = System.nanoTime();
    Result result =
        new Result(
            events.sum(),
            batches.sum(),
            refused.sum(),
            errors.sum(),
            measuring ? (end - measureStart) / 1e9 : 0);
    stopping = true;
    stopped.get(60, TimeUnit.SECONDS);
    client.close().await(30, TimeUnit.SECONDS);
    return result;
  }

  /** Every event acknowledged since the load started, warm-up and drain included. */
  long allAcknowledged() {
    return allEvents.sum();
  }

  private void send(Context context, Endpoint agent, long due) {
    if (stopping) {
      if (running.decrementAndGet() == 0) {
        stopped.complete(null);
      }
      return;
    }
    long wait = due - System.nanoTime();
    if (wait > 1_000_000) {
      vertx.setTimer(wait / 1_000_000, id -> context.runOnContext(v -> post(context, agent, due)));
    } else {
      post(context, agent, due);
    }
  }

  private void post(Context context, Endpoint agent, long due) {
    long next =
        Math.max(due + intervalNanos, intervalNanos == 0 ? 0 : System.nanoTime() - intervalNanos);
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI(agent.path())
            .setIdleTimeout(30_000)
            .putHeader("content-type", "application/json")
            .putHeader("authorization", "Bearer " + agent.bearerToken());
    client
        .request(request)
        .compose(req -> req.send(body))
        .compose(response -> response.body().map(answer -> response.statusCode()))
        .onComplete(
            result -> {
              if (result.succeeded() && result.result() == 200) {
                allEvents.add(eventsPerBatch);
                if (measuring) {
                  events.add(eventsPerBatch);
                  batches.increment();
                }
              } else if (result.succeeded() && result.result() == 429) {
                if (measuring) {
                  refused.increment();
                }
              } else if (measuring) {
                errors.increment();
              }
              context.runOnContext(v -> send(context, agent, next));
            });
  }
}
