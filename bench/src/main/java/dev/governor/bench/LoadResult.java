package dev.governor.bench;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one target did under load. Latencies and verdicts are of the good responses that completed
 * in the measured window; errors are counted in every phase.
 *
 * @param target the endpoint's name
 * @param latencies nanoseconds from sending a request to having its whole response
 * @param measured how long the measured window really lasted
 * @param warmupResponses good responses during the warm-up, not otherwise reported
 * @param verdicts the good responses of the measured window, by verdict
 * @param warmupErrors errors during the warm-up, by kind
 * @param errors errors during the measured window, by kind
 * @param drainErrors errors of requests still in flight when the window closed, by kind
 * @param responseBytes body bytes of the good measured responses, to compare answer sizes
 * @param capped whether the request cap, not the clock, ended the load
 * @param cpu CPU time this whole process (load generator and target) used in the measured window
 */
record LoadResult(
    String target,
    Histogram latencies,
    Duration measured,
    long warmupResponses,
    Map<String, Long> verdicts,
    Map<String, Long> warmupErrors,
    Map<String, Long> errors,
    Map<String, Long> drainErrors,
    long responseBytes,
    boolean capped,
    Duration cpu) {

  long responses() {
    return latencies.getTotalCount();
  }

  double perSecond() {
    double seconds = measured.toNanos() / 1e9;
    return seconds <= 0 ? 0 : responses() / seconds;
  }

  long errorCount() {
    return Tally.total(warmupErrors) + Tally.total(errors) + Tally.total(drainErrors);
  }

  /**
   * Process CPU microseconds per measured response, load generator included. Unlike throughput it
   * hardly moves when other processes compete for the cores.
   */
  double cpuMicrosPerResponse() {
    return responses() == 0 ? 0 : cpu.toNanos() / 1e3 / responses();
  }

  double meanResponseBytes() {
    return responses() == 0 ? 0 : (double) responseBytes / responses();
  }
}
