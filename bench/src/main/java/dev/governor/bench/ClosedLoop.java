package dev.governor.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closed-loop load on one endpoint: each of N connections sends a plan, waits for the whole answer,
 * checks it, and sends the next. A warm-up whose results are dropped is followed by the measured
 * window; both are ended by timers, and the run as a whole by the request cap and a deadline.
 *
 * <p>Closed loop means a slow answer delays the next request instead of queueing it, so the
 * percentiles describe the requests that were sent, not a fixed arrival rate (no correction for
 * coordinated omission). That is the right shape for agents, which wait for a review before acting.
 */
final class ClosedLoop {

  /** A response as received, checked once the latency is taken. */
  private record Answer(int status, Buffer body) {}

  private enum Phase {
    WARMUP,
    MEASURE,
    DONE
  }

  private static final Logger LOG = LoggerFactory.getLogger(ClosedLoop.class);
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
  // Beyond the request timeout: how long stragglers get after the window closes.
  private static final Duration DRAIN_SLACK = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final BenchOptions options;
  private final Endpoint endpoint;
  private final PlanBodies bodies;
  private final HttpClientAgent client;

  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WARMUP);
  private final Recorder latencies = new Recorder(HIGHEST_NANOS, 3);
  private final Tally verdicts = new Tally();
  private final Map<Phase, Tally> errors = new EnumMap<>(Phase.class);
  private final LongAdder warmupResponses = new LongAdder();
  private final LongAdder responseBytes = new LongAdder();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile long measureStart;
  private volatile long measureEnd;
  private volatile long cpuStart;
  private volatile long cpuEnd;
  private volatile boolean capped;

  ClosedLoop(Vertx vertx, BenchOptions options, Endpoint endpoint, PlanBodies bodies) {
    this.vertx = vertx;
    this.options = options;
    this.endpoint = endpoint;
    this.bodies = bodies;
    for (Phase p : Phase.values()) {
      errors.put(p, new Tally());
    }
    // Exactly one pooled keep-alive connection per in-flight request, as agents would hold them.
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(Endpoint.HOST)
                .setDefaultPort(endpoint.port())
                .setKeepAlive(true)
                .setPipelining(false)
                .setConnectTimeout((int) options.requestTimeout().toMillis()),
            new PoolOptions()
                .setHttp1MaxSize(options.connections())
                .setMaxWaitQueueSize(options.connections()));
  }

  LoadResult run() throws Exception {
    LOG.info(
        "Loading {} with {} connections: {} s warm-up, {} s measured",
        endpoint.name(),
        options.connections(),
        options.warmup().toSeconds(),
        options.measured().toSeconds());
    running.set(options.connections());
    if (options.warmup().isZero()) {
      beginMeasuring();
    } else {
      vertx.setTimer(options.warmup().toMillis(), id -> beginMeasuring());
    }
    // Each connection's loop lives on one event-loop context, spread over the client's loops.
    for (int i = 0; i < options.connections(); i++) {
      Context context = vertx.getOrCreateContext();
      context.runOnContext(v -> send(context));
    }
    Duration deadline =
        options.warmup().plus(options.measured()).plus(options.requestTimeout()).plus(DRAIN_SLACK);
    try {
      stopped.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      finish();
      throw new IllegalStateException(
          running.get()
              + " connections to "
              + endpoint.name()
              + " were still waiting after "
              + deadline.toSeconds()
              + " s");
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
    }
    long windowNanos = Math.max(0, measureEnd - measureStart);
    return new LoadResult(
        endpoint.name(),
        latencies.getIntervalHistogram(),
        Duration.ofNanos(windowNanos),
        warmupResponses.sum(),
        verdicts.snapshot(),
        errors.get(Phase.WARMUP).snapshot(),
        errors.get(Phase.MEASURE).snapshot(),
        errors.get(Phase.DONE).snapshot(),
        responseBytes.sum(),
        capped,
        Duration.ofNanos(Math.max(0, cpuEnd - cpuStart)));
  }

  private void beginMeasuring() {
    long now = System.nanoTime();
    measureStart = now;
    cpuStart = processCpuNanos();
    if (phase.compareAndSet(Phase.WARMUP, Phase.MEASURE)) {
      LOG.info("Warm-up of {} done; measuring", endpoint.name());
      vertx.setTimer(options.measured().toMillis(), id -> finish());
    }
  }

  private void finish() {
    long now = System.nanoTime();
    Phase before = phase.getAndSet(Phase.DONE);
    if (before == Phase.MEASURE) {
      measureEnd = now;
      cpuEnd = processCpuNanos();
    } else if (before == Phase.WARMUP) {
      measureStart = now;
      measureEnd = now;
      cpuStart = cpuEnd = processCpuNanos();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** One connection's loop: send the next plan unless the load is over. */
  private void send(Context context) {
    long n = sent.getAndIncrement();
    if (n >= options.maxRequests() && phase.get() != Phase.DONE) {
      capped = true;
      finish();
    }
    if (phase.get() == Phase.DONE) {
      if (running.decrementAndGet() == 0) {
        stopped.complete(null);
      }
      return;
    }
    Buffer body = bodies.body(n);
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setURI(endpoint.path())
            .setIdleTimeout(options.requestTimeout().toMillis())
            .putHeader("content-type", "application/json")
            .putHeader("accept", "application/json")
            .putHeader("authorization", "Bearer " + endpoint.bearerToken());
    long start = System.nanoTime();
    client
        .request(request)
        .compose(req -> req.send(body))
        .compose(
            response -> response.body().map(answer -> new Answer(response.statusCode(), answer)))
        .onComplete(
            result -> {
              record(System.nanoTime() - start, result);
              // A failure can complete at once; going round the context keeps the stack flat.
              context.runOnContext(v -> send(context));
            });
  }

  private void record(long nanos, AsyncResult<Answer> result) {
    Phase now = phase.get();
    Outcome outcome =
        result.succeeded()
            ? Outcome.of(result.result().status(), result.result().body())
            : Outcome.of(result.cause());
    if (outcome.error() != null) {
      errors.get(now).add(outcome.error());
    } else if (now == Phase.MEASURE) {
      latencies.recordValue(Math.min(nanos, HIGHEST_NANOS));
      verdicts.add(outcome.verdict());
      responseBytes.add(result.result().body().length());
    } else if (now == Phase.WARMUP) {
      warmupResponses.increment();
    }
  }
}
