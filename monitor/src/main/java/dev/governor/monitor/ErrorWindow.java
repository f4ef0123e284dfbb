package dev.governor.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * Tool calls and their failures over a sliding time window, in one-second buckets: constant memory
 * per agent, whatever the call rate. Confined to one event loop.
 */
final class ErrorWindow {

  private final int seconds;
  private final long[] bucketSecond;
  private final long[] calls;
  private final long[] errors;

  ErrorWindow(Duration window) {
    this.seconds = (int) Math.max(1, window.toSeconds());
    this.bucketSecond = new long[seconds];
    this.calls = new long[seconds];
    this.errors = new long[seconds];
  }

  void add(Instant at, long callCount, long errorCount) {
    long second = at.getEpochSecond();
    int i = (int) Math.floorMod(second, (long) seconds);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      calls[i] = 0;
      errors[i] = 0;
    }
    calls[i] += callCount;
    errors[i] += errorCount;
  }

  long calls(Instant now) {
    return sum(calls, now);
  }

  long errors(Instant now) {
    return sum(errors, now);
  }

  void clear() {
    java.util.Arrays.fill(calls, 0);
    java.util.Arrays.fill(errors, 0);
  }

  private long sum(long[] values, Instant now) {
    long oldest = now.getEpochSecond() - seconds + 1;
    long total = 0;
    for (int i = 0; i < seconds; i++) {
      if (bucketSecond[i] >= oldest && bucketSecond[i] <= now.getEpochSecond()) {
        total += values[i];
      }
    }
    return total;
  }
}
