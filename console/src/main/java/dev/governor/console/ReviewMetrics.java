package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.model.CircuitState;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.store.KnowledgeStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code /metrics} shows, in Prometheus text: reviews by verdict, review latency, failed
 * reviews, pending escalations and how far the store's writer is behind; telemetry events taken in
 * and refused, the telemetry queue, circuits by state and open alerts.
 */
final class ReviewMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer latency;
  private final Counter failures;
  private final AtomicLong pendingEscalations = new AtomicLong();
  private final Counter telemetryEvents;
  private final Counter telemetryRejected;
  private final Map<CircuitState, AtomicLong> circuits = new EnumMap<>(CircuitState.class);
  private final AtomicLong openAlerts = new AtomicLong();

  ReviewMetrics(KnowledgeStore store) {
    latency =
        Timer.builder("governor.review.latency")
            .description("Time from a plan's arrival to its recorded decision")
            .publishPercentileHistogram()
            .register(registry);
    failures =
        Counter.builder("governor.review.failures")
            .description("Reviews that could not be completed; nothing was approved")
            .register(registry);
    Gauge.builder("governor.escalations.pending", pendingEscalations, AtomicLong::get)
        .description("Escalations waiting for a person")
        .register(registry);
    Gauge.builder("governor.store.write.queue", store, KnowledgeStore::queuedWrites)
        .description("Writes waiting for the store's writer")
        .register(registry);
    telemetryEvents =
        Counter.builder("governor.telemetry.events")
            .description("Telemetry events taken in (durable)")
            .register(registry);
    telemetryRejected =
        Counter.builder("governor.telemetry.rejected")
            .description("Telemetry events refused with 429 because the telemetry queue was full")
            .register(registry);
    Gauge.builder("governor.telemetry.queue", store.telemetry(), t -> t.queuedEvents())
        .description("Telemetry events waiting for the telemetry writer")
        .register(registry);
    for (CircuitState state : CircuitState.values()) {
      AtomicLong count = new AtomicLong();
      circuits.put(state, count);
      Gauge.builder("governor.circuits", count, AtomicLong::get)
          .description("Agents' circuits by state")
          .tag("state", state.name())
          .register(registry);
    }
    Gauge.builder("governor.alerts.open", openAlerts, AtomicLong::get)
        .description("Alerts not yet cleared")
        .register(registry);
  }

  /** Counts circuits and open alerts now and after every change. */
  void watchCircuits(Vertx vertx, Knowledge knowledge) {
    Runnable count =
        () ->
            knowledge
                .read(s -> new Counts(s.circuits().countByState(), s.circuits().openAlertCount()))
                .onSuccess(
                    counts -> {
                      counts.circuits().forEach((state, n) -> circuits.get(state).set(n));
                      openAlerts.set(counts.openAlerts());
                    });
    vertx.eventBus().consumer(Bus.EXECUTE_CIRCUITS, m -> count.run());
    vertx.eventBus().consumer(Bus.EXECUTE_ALERTS, m -> count.run());
    vertx.eventBus().consumer(Bus.MONITOR_AGENTS, m -> count.run());
    count.run();
  }

  private record Counts(Map<CircuitState, Long> circuits, long openAlerts) {}

  void ingested(int events) {
    telemetryEvents.increment(events);
  }

  void rejected(int events) {
    telemetryRejected.increment(events);
  }

  void reviewed(Decision decision, long startNanos) {
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    Counter.builder("governor.reviews")
        .description("Reviews by the verdict the rules gave")
        .tag("verdict", decision.verdict().name())
        .register(registry)
        .increment();
  }

  void failed() {
    failures.increment();
  }

  void pendingEscalations(long count) {
    pendingEscalations.set(count);
  }

  String scrape() {
    return registry.scrape();
  }
}
