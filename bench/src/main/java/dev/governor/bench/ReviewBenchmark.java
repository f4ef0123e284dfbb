package dev.governor.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures plan reviews per second and their latency on Governor's real review endpoint (durable
 * audit included), then on a bare Vert.x endpoint that only parses the same JSON, in one run with
 * the same load, and prints how they compare. Run it with {@code java -jar
 * bench/target/governor-bench.jar [--connections N] [--warmup-seconds S] [--seconds S]}.
 *
 * <p>Exit status: 0 for a clean run, 1 when any response failed its check, 2 for bad options.
 */
public final class ReviewBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewBenchmark.class);

  private ReviewBenchmark() {}

  public static void main(String[] args) throws Exception {
    var parsed = BenchOptions.fromCommandLine(args, BenchOptions.USAGE);
    if (parsed.isEmpty()) {
      return;
    }
    BenchOptions options = parsed.get();
    boolean clean = run(options);
    // Governor's and the client's threads are closed by now; exit says the outcome to scripts.
    System.exit(clean ? 0 : 1);
  }

  static boolean run(BenchOptions options) throws Exception {
    // The load generator has its own event loops, as many as the machine has cores, so that it
    // is never what limits the targets on a small machine more than the machine itself does.
    Vertx client =
        Vertx.vertx(
            new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    try {
      LoadResult governor;
      LoadResult bare;
      GovernorUnderTest.AuditCheck audit;
      Endpoint governorEndpoint;
      // One target at a time, each with the machine to itself; Governor is stopped before the
      // bare endpoint starts.
      try (GovernorUnderTest target = GovernorUnderTest.start(client)) {
        governorEndpoint = target.endpoint();
        governor =
            new ClosedLoop(client, options, governorEndpoint, new PlanBodies("bench-")).run();
        audit = target.verifyAudit();
      }
      try (BareServer target = BareServer.start()) {
        bare =
            new ClosedLoop(
                    client,
                    options,
                    target.standingInFor(governorEndpoint),
                    new PlanBodies("bench-"))
                .run();
      }
      Report.print(System.out, options, governor, bare, audit);
      return governor.errorCount() + bare.errorCount() == 0 && audit.ok();
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
      LOG.debug("Load generator stopped");
    }
  }
}
