package dev.governor.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The printed result: one row per target, then how Governor compares with the bare endpoint. */
final class Report {

  private static final String ROW = "%-16s %10s %10s %9s %9s %9s %9s %9s %8s%n";

  private Report() {}

  static void print(
      PrintStream out,
      BenchOptions options,
      LoadResult governor,
      LoadResult bare,
      GovernorUnderTest.AuditCheck audit) {
    out.println();
    out.printf(
        Locale.ROOT,
        "Plan reviews, closed loop on 127.0.0.1: %d connections, %d s warm-up + %d s measured per"
            + " target; %d CPUs, Java %s%n%n",
        options.connections(),
        options.warmup().toSeconds(),
        options.measured().toSeconds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.printf(
        Locale.ROOT,
        ROW,
        "target",
        "responses",
        "per second",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "bytes");
    row(out, governor);
    row(out, bare);
    out.println(
        "(latency: from sending a plan to holding the whole answer; responses and errors: measured"
            + " window; bytes: mean answer body)");
    out.println();
    out.printf(
        Locale.ROOT,
        "Governor / bare: throughput ratio %s (the bare endpoint answers %s times as many),"
            + " p99 ratio %s%n",
        ratio(governor.perSecond(), bare.perSecond(), "%.3f"),
        ratio(bare.perSecond(), governor.perSecond(), "%.1f"),
        ratio(p(governor.latencies(), 99), p(bare.latencies(), 99), "%.1f"));
    out.printf(
        Locale.ROOT,
        "CPU per response (this process, load generator included): Governor %.0f us, bare %.0f us;"
            + " ratio %s (what the throughput ratio would be on otherwise idle cores)%n",
        governor.cpuMicrosPerResponse(),
        bare.cpuMicrosPerResponse(),
        ratio(bare.cpuMicrosPerResponse(), governor.cpuMicrosPerResponse(), "%.3f"));
    out.printf(Locale.ROOT, "Governor verdicts: %s%n", shares(governor.verdicts()));
    out.printf(
        Locale.ROOT,
        "Governor audit log after the run: %d entries, hash chain %s%n",
        audit.entries(),
        audit.ok() ? "verified" : "BROKEN");
    for (LoadResult result : new LoadResult[] {governor, bare}) {
      if (result.capped()) {
        out.printf(
            Locale.ROOT,
            "%s: the request cap (--max-requests %d) ended the load early%n",
            result.target(),
            options.maxRequests());
      }
      errors(out, result.target(), "warm-up", result.warmupErrors());
      errors(out, result.target(), "measured", result.errors());
      errors(out, result.target(), "after the window", result.drainErrors());
    }
    long errors = governor.errorCount() + bare.errorCount();
    out.println(
        errors == 0
            ? "No errors: every response was 200 with a verdict."
            : "THIS RUN HAD " + errors + " ERRORS: its figures are not a clean measurement.");
  }

  private static void row(PrintStream out, LoadResult result) {
    Histogram h = result.latencies();
    out.printf(
        Locale.ROOT,
        ROW,
        result.target(),
        result.responses(),
        String.format(Locale.ROOT, "%.1f", result.perSecond()),
        ms(p(h, 50)),
        ms(p(h, 90)),
        ms(p(h, 99)),
        ms(h.getTotalCount() == 0 ? 0 : h.getMaxValue()),
        Tally.total(result.errors()),
        String.format(Locale.ROOT, "%.0f", result.meanResponseBytes()));
  }

  private static void errors(
      PrintStream out, String target, String phase, Map<String, Long> errors) {
    errors.forEach(
        (kind, count) ->
            out.printf(Locale.ROOT, "%s errors (%s): %d x %s%n", target, phase, count, kind));
  }

  private static String shares(Map<String, Long> verdicts) {
    long total = Tally.total(verdicts);
    StringBuilder text = new StringBuilder();
    verdicts.forEach(
        (verdict, count) ->
            text.append(text.length() == 0 ? "" : ", ")
                .append(
                    String.format(
                        Locale.ROOT, "%s %d (%.1f%%)", verdict, count, 100.0 * count / total)));
    return text.length() == 0 ? "none" : text.toString();
  }

  private static long p(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  /** a / b, or "n/a" when a target had no measured responses. */
  private static String ratio(double a, double b, String format) {
    return a == 0 || b == 0 ? "n/a" : String.format(Locale.ROOT, format, a / b);
  }
}
