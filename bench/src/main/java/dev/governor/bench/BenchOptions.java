package dev.governor.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How hard and how long to load each target. Both targets get the same options, so their figures
 * can be compared.
 *
 * @param connections concurrent connections, each with one request in flight (closed loop)
 * @param warmup load whose results are thrown away, so the JIT and the pools settle first
 * @param measured load whose results are reported
 * @param maxRequests a cap on the requests sent to one target, warm-up included, so that a very
 *     fast target cannot grow Governor's store or the run without bound
 * @param requestTimeout how long one request may take before it counts as an error
 */
record BenchOptions(
    int connections,
    Duration warmup,
    Duration measured,
    long maxRequests,
    Duration requestTimeout) {

  static final BenchOptions DEFAULTS =
      new BenchOptions(
          32, Duration.ofSeconds(10), Duration.ofSeconds(20), 5_000_000L, Duration.ofSeconds(10));

  static final String USAGE =
      """
      usage: java -jar bench/target/governor-bench.jar [options]
        --connections N         concurrent connections, one request in flight each (default 32)
        --warmup-seconds S      warm-up per target, not reported (default 10)
        --seconds S             measured load per target (default 20)
        --max-requests N        cap on requests per target, warm-up included (default 5000000)
        --timeout-seconds S     a request slower than this is an error (default 10)
      """;

  BenchOptions {
    require(connections >= 1 && connections <= 1024, "--connections must be 1 to 1024");
    require(
        !warmup.isNegative() && warmup.toSeconds() <= 3600, "--warmup-seconds must be 0 to 3600");
    require(
        measured.toSeconds() >= 1 && measured.toSeconds() <= 3600, "--seconds must be 1 to 3600");
    require(maxRequests >= 1, "--max-requests must be at least 1");
    require(
        requestTimeout.toSeconds() >= 1 && requestTimeout.toSeconds() <= 600,
        "--timeout-seconds must be 1 to 600");
  }

  /**
   * The options of a benchmark's command line, or empty when it asked for help (printed). Bad flags
   * end the process with status 2, after saying what is wrong and how to call it.
   */
  static Optional<BenchOptions> fromCommandLine(String[] args, String usage) {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(usage);
      return Optional.empty();
    }
    try {
      return Optional.of(parse(arguments));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(usage);
      System.exit(2);
      return Optional.empty();
    }
  }

  /** Reads {@code --name value} or {@code --name=value} flags over the defaults. */
  static BenchOptions parse(List<String> args) {
    BenchOptions options = DEFAULTS;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value;
      int equals = arg.indexOf('=');
      if (equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      options = options.with(name, number(name, value));
    }
    return options;
  }

  private BenchOptions with(String name, long value) {
    return switch (name) {
      case "--connections" ->
          new BenchOptions(
              (int) Math.min(value, Integer.MAX_VALUE),
              warmup,
              measured,
              maxRequests,
              requestTimeout);
      case "--warmup-seconds" ->
          new BenchOptions(
              connections, Duration.ofSeconds(value), measured, maxRequests, requestTimeout);
      case "--seconds" ->
          new BenchOptions(
              connections, warmup, Duration.ofSeconds(value), maxRequests, requestTimeout);
      case "--max-requests" ->
          new BenchOptions(connections, warmup, measured, value, requestTimeout);
      case "--timeout-seconds" ->
          new BenchOptions(connections, warmup, measured, maxRequests, Duration.ofSeconds(value));
      default -> throw new IllegalArgumentException("unknown option " + name);
    };
  }

  private static long number(String name, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " takes a whole number, not \"" + value + "\"");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
