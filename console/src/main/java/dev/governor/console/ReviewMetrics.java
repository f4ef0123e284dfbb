package dev.governor.console;

import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.store.KnowledgeStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code /metrics} shows, in Prometheus text: reviews by verdict, review latency, failed
 * reviews, pending escalations and how far the store's writer is behind.
 */
final class ReviewMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer latency;
  private final Counter failures;
  private final AtomicLong pendingEscalations = new AtomicLong();

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
