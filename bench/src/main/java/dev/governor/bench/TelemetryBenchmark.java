package dev.governor.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Telemetry ingest and what it does to plan reviews, in one run on one Governor: (1) reviews alone,
 * the baseline; (2) telemetry alone: acknowledged (durable) events per second; (3) reviews again
 * while the same telemetry load runs; (4) reviews alone once more, a second baseline. Prints ingest
 * events/s and the review p99 under telemetry as a ratio of the baseline's. Run it with {@code java
 * -cp bench/target/governor-bench.jar dev.governor.bench.TelemetryBenchmark [--connections N]
 * [--warmup-seconds S] [--seconds S] [--telemetry-connections N] [--batch-events N]
 * [--telemetry-rate EVENTS_PER_SECOND]}: the telemetry alone runs as fast as Governor answers;
 * beside the reviews it offers the given rate (by default also as fast as answered).
 *
 * <p>Exit status: 0 for a clean run, 1 when any response failed its check, 2 for bad options.
 */
public final class TelemetryBenchmark {

  private TelemetryBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    int telemetryConnections = take(rest, "--telemetry-connections", 8);
    int batchEvents = take(rest, "--batch-events", 1000);
    int rate = take(rest, "--telemetry-rate", 0);
    BenchOptions options;
    try {
      options = BenchOptions.parse(rest);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options, telemetryConnections, batchEvents, rate, System.out) ? 0 : 1);
  }

  static boolean run(
      BenchOptions options, int telemetryConnections, int batchEvents, long rate, PrintStream out)
      throws Exception {
    Vertx client =
        Vertx.vertx(
            new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    try (GovernorUnderTest target = GovernorUnderTest.start(client)) {
      List<Endpoint> agents = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        agents.add(target.telemetryAgent("bench-telemetry-" + i));
      }
      LoadResult baseline =
          new ClosedLoop(client, options, target.endpoint(), new PlanBodies("base-")).run();

      TelemetryLoad alone = new TelemetryLoad(client, agents, telemetryConnections, batchEvents, 0);
      alone.start();
      TimeUnit.SECONDS.sleep(options.warmup().toSeconds());
      alone.beginMeasuring();
      TimeUnit.SECONDS.sleep(options.measured().toSeconds());
      TelemetryLoad.Result ingest = alone.stop();

      TelemetryLoad background =
          new TelemetryLoad(client, agents, telemetryConnections, batchEvents, rate);
      background.start();
      background.beginMeasuring();
      LoadResult underTelemetry =
          new ClosedLoop(client, options, target.endpoint(), new PlanBodies("busy-")).run();
      TelemetryLoad.Result during = background.stop();
      // The baseline again, after: on a shared machine the first one alone can mislead.
      LoadResult after =
          new ClosedLoop(client, options, target.endpoint(), new PlanBodies("after-")).run();

      long acknowledged = alone.allAcknowledged() + background.allAcknowledged();
      long counted = 0;
      for (Endpoint agent : agents) {
        counted += target.toolCallsCounted(agent);
      }
      GovernorUnderTest.AuditCheck audit = target.verifyAudit();
      print(
          out,
          options,
          batchEvents,
          rate,
          alone.bodyBytes(),
          baseline,
          ingest,
          underTelemetry,
          during,
          after);
      out.printf(
          Locale.ROOT,
          "Durability check: %,d events acknowledged, %,d counted in the store%s%n",
          acknowledged,
          counted,
          counted >= acknowledged ? "" : "  <-- ACKNOWLEDGED EVENTS MISSING");
      out.printf(
          Locale.ROOT,
          "Audit chain: %s, %,d entries%n",
          audit.ok() ? "ok" : "BROKEN",
          audit.entries());
      long errors =
          baseline.errorCount()
              + underTelemetry.errorCount()
              + after.errorCount()
              + ingest.errors()
              + during.errors();
      if (errors > 0) {
        out.printf(Locale.ROOT, "THIS RUN HAD %d ERRORS%n", errors);
      }
      return errors == 0 && audit.ok() && counted >= acknowledged;
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void print(
      PrintStream out,
      BenchOptions options,
      int batchEvents,
      long rate,
      int bodyBytes,
      LoadResult baseline,
      TelemetryLoad.Result ingest,
      LoadResult underTelemetry,
      TelemetryLoad.Result during,
      LoadResult after) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Telemetry benchmark: %d review connections, %d s warm-up, %d s measured; batches of %d"
            + " events (%,d bytes)%n",
        options.connections(),
        options.warmup().toSeconds(),
        options.measured().toSeconds(),
        batchEvents,
        bodyBytes);
    out.printf(
        Locale.ROOT,
        "Telemetry alone:            %,10.0f events/s acknowledged (durable), %,d batches, %,d"
            + " refused (429)%n",
        ingest.eventsPerSecond(),
        ingest.batches(),
        ingest.refusedBatches());
    out.printf(
        Locale.ROOT,
        "Telemetry beside reviews:   %,10.0f events/s acknowledged (offered: %s), %,d refused"
            + " (429)%n",
        during.eventsPerSecond(),
        rate > 0 ? String.format(Locale.ROOT, "%,d events/s", rate) : "as fast as answered",
        during.refusedBatches());
    row(out, "Reviews alone (baseline):  ", baseline);
    row(out, "Reviews under telemetry:   ", underTelemetry);
    row(out, "Reviews alone (after):     ", after);
    double under = underTelemetry.latencies().getValueAtPercentile(99);
    double before = baseline.latencies().getValueAtPercentile(99);
    double later = after.latencies().getValueAtPercentile(99);
    out.printf(
        Locale.ROOT,
        "Review p99 under telemetry / baseline: %.2f against the first baseline, %.2f against the"
            + " second, %.2f against their mean (goal <= 1.2)%n",
        under / before,
        under / later,
        under / ((before + later) / 2));
    out.printf(
        Locale.ROOT,
        "Review throughput under telemetry / baseline mean: %.2f%n",
        2 * underTelemetry.perSecond() / (baseline.perSecond() + after.perSecond()));
  }

  private static void row(PrintStream out, String name, LoadResult result) {
    Histogram h = result.latencies();
    out.printf(
        Locale.ROOT,
        "%s %,8.0f reviews/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  verdicts %s%n",
        name,
        result.perSecond(),
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6,
        h.getValueAtPercentile(99.9) / 1e6,
        result.verdicts());
  }

  private static int take(List<String> args, String name, int fallback) {
    int i = args.indexOf(name);
    if (i < 0) {
      return fallback;
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    int value = Integer.parseInt(args.get(i + 1));
    args.remove(i + 1);
    args.remove(i);
    return value;
  }
}
