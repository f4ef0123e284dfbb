package dev.governor.bench;

import dev.governor.knowledge.Ids;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Decision;
import dev.governor.knowledge.model.DecisionPolicy;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.LeaseRequest;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Severity;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.model.Verdict;
import dev.governor.knowledge.store.KnowledgeStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * What Governor's store alone allows: its review writes with nothing else running (no HTTP, no
 * validation, no rules, no bus), against three baselines measured in the same run.
 *
 * <ol>
 *   <li>The bare Vert.x endpoint of {@link ReviewBenchmark}, loaded the same way: how many reviews
 *       a second the review benchmark's ratio is taken against. Governor's store alone reaching
 *       only a fraction of it bounds what the whole review can reach, whatever the rest costs.
 *   <li>Bare H2: each review as one row holding the same plan and decision bodies, written by one
 *       thread in batches, each batch committed and its file written before the next: the floor of
 *       a durable review on this database, without the tables, indexes and audit chain.
 *   <li>Bare H2 with four tables: the same, but each review as a plan row, a decision row and two
 *       audit rows (bodies and a hash), each table with its key alone: the floor of the tables the
 *       review loop asks for, before secondary indexes, leases, hashing and JSON.
 *   <li>Governor's store: each review as Governor records it (the plan with its audit entry, then
 *       the decision with its audit entry and two lease take-overs; one in ten denied), from as
 *       many threads as the review benchmark has connections.
 * </ol>
 *
 * <p>Run it with {@code java -cp bench/target/governor-bench.jar dev.governor.bench.StoreBenchmark
 * [--connections N] [--warmup-seconds S] [--seconds S]}.
 */
public final class StoreBenchmark {

  private StoreBenchmark() {}

  /** One target's measured window. */
  record Figures(String target, long reviews, Duration measured, Duration cpu, long batches) {
    double perSecond() {
      return reviews / (measured.toNanos() / 1e9);
    }

    double cpuMicrosPerReview() {
      return reviews == 0 ? 0 : cpu.toNanos() / 1e3 / reviews;
    }
  }

  /** One review's writes, done by one client thread; returns once they are durable. */
  @FunctionalInterface
  private interface Review {
    void write(long n) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    var parsed = BenchOptions.fromCommandLine(args, USAGE);
    if (parsed.isEmpty()) {
      return;
    }
    BenchOptions options = parsed.get();
    Vertx client =
        Vertx.vertx(
            new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    LoadResult bare;
    try (BareServer target = BareServer.start()) {
      Endpoint standIn = new Endpoint("Governor review", 0, "/api/v1/agents/bench/plans", "t");
      bare =
          new ClosedLoop(client, options, target.standingInFor(standIn), new PlanBodies("bench-"))
              .run();
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
    }
    Figures floor = bareH2(options, Layout.ONE_ROW);
    Figures tables = bareH2(options, Layout.FOUR_TABLES);
    Figures store = governorStore(options);
    print(System.out, options, bare, floor, tables, store);
    System.exit(bare.errorCount() == 0 ? 0 : 1);
  }

  private static final String USAGE =
      """
      usage: java -cp bench/target/governor-bench.jar dev.governor.bench.StoreBenchmark [options]
        --connections N         client threads (and the bare endpoint's connections; default 32)
        --warmup-seconds S      warm-up per target, not reported (default 10)
        --seconds S             measured load per target (default 20)
      """;

  static void print(
      PrintStream out,
      BenchOptions options,
      LoadResult bare,
      Figures floor,
      Figures tables,
      Figures store) {
    out.printf(
        "%nReview writes alone, %d clients, %d s warm-up + %d s measured per target; %d CPUs,"
            + " Java %s%n%n",
        options.connections(),
        options.warmup().toSeconds(),
        options.measured().toSeconds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.printf("%-36s %12s %16s%n", "target", "per second", "CPU per review");
    out.printf(
        "%-36s %12.0f %13.1f us%n",
        "bare Vert.x endpoint (answers)", bare.perSecond(), bare.cpuMicrosPerResponse());
    out.printf(
        "%-36s %12.0f %13.1f us%n",
        "bare H2, one row per review", floor.perSecond(), floor.cpuMicrosPerReview());
    out.printf(
        "%-36s %12.0f %13.1f us%n",
        "bare H2, four tables, keys only", tables.perSecond(), tables.cpuMicrosPerReview());
    out.printf(
        "%-36s %12.0f %13.1f us%n",
        "Governor's store (reviews)", store.perSecond(), store.cpuMicrosPerReview());
    out.printf(
        "%nGovernor's store alone / bare Vert.x: %.3f. The whole review can do no better than this"
            + " on this machine, whatever the rest of it costs.%n",
        store.perSecond() / bare.perSecond());
    out.printf(
        "Governor's store takes %.1f times bare H2's CPU per review (bare H2: %.1f reviews per"
            + " commit).%n",
        store.cpuMicrosPerReview() / floor.cpuMicrosPerReview(),
        (double) floor.reviews() / Math.max(1, floor.batches()));
  }

  /** Governor's own store, written as a review writes it. */
  static Figures governorStore(BenchOptions options) throws Exception {
    Path dir = Files.createTempDirectory("governor-store-bench");
    try (KnowledgeStore store = KnowledgeStore.openH2(dir)) {
      String agentId = Ids.next();
      store
          .registerAgent(
              new Agent(
                  agentId,
                  "bench",
                  "bench",
                  Environment.SANDBOX,
                  PlanBodies.GRANTS,
                  Budgets.NONE,
                  Map.of(),
                  Instant.now()),
              "bench-token-hash-" + agentId,
              "operator:admin")
          .get();
      List<LeaseRequest> leases =
          List.of(
              new LeaseRequest("write-guide", "/repo/CONTRIBUTING.md"),
              new LeaseRequest("commit", "/repo"));
      return load(
          "Governor's store",
          options,
          n -> {
            Plan plan = plan(agentId, n);
            Decision decision = decision(plan, n);
            // As Monitor and Execute do: the plan's write is not waited for; the decision's is.
            store.recordPlan(plan, plan.contentHash());
            store
                .leases()
                .recordDecision(plan, decision, null, leases, Duration.ofMinutes(10))
                .get();
          },
          // The store does not tell its commits; only bare H2's are reported.
          () -> 0);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** How bare H2 lays out a review. */
  enum Layout {
    /** One row holding the plan and the decision: the floor of a durable review. */
    ONE_ROW,
    /**
     * A row in each of the four tables a review needs at the least (plan, decision, two audit
     * entries holding the bodies and a hash), each table with its key and nothing else: the floor
     * of the knowledge model the review loop asks for.
     */
    FOUR_TABLES
  }

  /** The same review bodies, one thread committing and writing the file per batch. */
  static Figures bareH2(BenchOptions options, Layout layout) throws Exception {
    Path dir = Files.createTempDirectory("governor-bare-h2-bench");
    try (BareWriter writer = new BareWriter(dir, layout)) {
      String agentId = Ids.next();
      return load(
          "bare H2 " + layout,
          options,
          n -> {
            Plan plan = plan(agentId, n);
            writer.write(Json.write(plan), Json.write(decision(plan, n))).get();
          },
          writer::batches);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static Figures load(
      String target, BenchOptions options, Review review, java.util.function.LongSupplier batches)
      throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong next = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < options.connections(); c++) {
      Thread thread =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    review.write(next.incrementAndGet());
                    done.incrementAndGet();
                  } catch (Exception e) {
                    failures.add(e);
                    return;
                  }
                }
              },
              "store-bench-client-" + c);
      thread.setDaemon(true);
      clients.add(thread);
      thread.start();
    }
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    sleep(options.warmup());
    long cpu = os.getProcessCpuTime();
    long reviews = done.get();
    long batchesBefore = batches.getAsLong();
    long start = System.nanoTime();
    sleep(options.measured());
    long measured = System.nanoTime() - start;
    cpu = os.getProcessCpuTime() - cpu;
    reviews = done.get() - reviews;
    long batchCount = batches.getAsLong() - batchesBefore;
    stop.set(true);
    for (Thread thread : clients) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(target + " failed a review", failures.get(0));
    }
    return new Figures(
        target, reviews, Duration.ofNanos(measured), Duration.ofNanos(cpu), batchCount);
  }

  static Plan plan(String agentId, long n) {
    return new Plan(
        Ids.next(),
        agentId,
        "bench-" + n,
        null,
        "Bring the contributor guide up to date with the new review process",
        List.of(
            new Step(
                "read-guide",
                "fs.read",
                "/repo/CONTRIBUTING.md",
                "Read the current contributor guide",
                List.of("user"),
                List.of(),
                Map.of("encoding", "utf-8")),
            new Step(
                "write-guide",
                "fs.write",
                "/repo/CONTRIBUTING.md",
                "Describe the new review process in the guide",
                List.of("user"),
                List.of("read-guide"),
                Map.of()),
            new Step(
                "commit",
                "git.commit",
                "/repo",
                "Commit the updated guide",
                List.of("user"),
                List.of("write-guide"),
                Map.of())),
        Instant.now());
  }

  /** What the default rules find in the bench's plans: all covered, one in ten also not. */
  static Decision decision(Plan plan, long n) {
    List<Finding> findings = new ArrayList<>();
    for (Step step : plan.steps()) {
      findings.add(
          new Finding(
              "grant-covers-step",
              Severity.INFO,
              step.id(),
              "a grant covers " + step.action() + " on " + step.target(),
              Verdict.APPROVED));
    }
    if (PlanBodies.deniedPlan(n)) {
      findings.add(
          new Finding(
              "write-needs-grant",
              Severity.HIGH,
              "write-guide",
              "no grant covers fs.write on /etc/apt/sources.list; it needs"
                  + " fs.write:/etc/apt/sources.list",
              Verdict.DENIED));
    }
    return DecisionPolicy.decide(plan, findings, 1, plan.receivedAt(), null);
  }

  /** A minimal group-commit writer: a review's rows, the file written before answering. */
  private static final class BareWriter implements AutoCloseable {
    private record Row(String plan, String decision, CompletableFuture<Void> done) {}

    private static final String HASH = "0".repeat(64);

    private final BlockingQueue<Row> queue = new ArrayBlockingQueue<>(10_000);
    private final Layout layout;
    private final Connection connection;
    private final List<PreparedStatement> inserts = new ArrayList<>();
    private final MVStore file;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean closing;
    private long seq;

    BareWriter(Path dir, Layout layout) throws SQLException {
      this.layout = layout;
      connection =
          DriverManager.getConnection(
              "jdbc:h2:file:" + dir.resolve("bare") + ";DB_CLOSE_ON_EXIT=FALSE", "bench", "");
      try (var statement = connection.createStatement()) {
        if (layout == Layout.ONE_ROW) {
          statement.execute(
              "CREATE TABLE reviews (seq BIGINT PRIMARY KEY, plan VARCHAR(1000000),"
                  + " decision VARCHAR(1000000))");
          inserts.add(connection.prepareStatement("INSERT INTO reviews VALUES (?, ?, ?)"));
        } else {
          statement.execute(
              "CREATE TABLE plans (id VARCHAR(64) PRIMARY KEY, body VARCHAR(1000000))");
          statement.execute(
              "CREATE TABLE decisions (plan_id VARCHAR(64) PRIMARY KEY, body VARCHAR(1000000))");
          statement.execute(
              "CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, payload VARCHAR(1000000),"
                  + " hash VARCHAR(64))");
          inserts.add(connection.prepareStatement("INSERT INTO plans VALUES (?, ?)"));
          inserts.add(connection.prepareStatement("INSERT INTO decisions VALUES (?, ?)"));
          inserts.add(connection.prepareStatement("INSERT INTO audit_log VALUES (?, ?, ?)"));
        }
      }
      connection.setAutoCommit(false);
      file =
          ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession())
              .getDatabase()
              .getStore()
              .getMvStore();
      thread = new Thread(this::loop, "bare-h2-writer");
      thread.setDaemon(true);
      thread.start();
    }

    CompletableFuture<Void> write(String plan, String decision) throws InterruptedException {
      CompletableFuture<Void> done = new CompletableFuture<>();
      queue.put(new Row(plan, decision, done));
      return done;
    }

    long batches() {
      return batches.get();
    }

    private void loop() {
      List<Row> batch = new ArrayList<>();
      while (!closing) {
        try {
          Row first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, 511);
          for (Row row : batch) {
            insert(row);
          }
          connection.commit();
          file.commit();
          batches.incrementAndGet();
          batch.forEach(row -> row.done().complete(null));
        } catch (InterruptedException e) {
          return;
        } catch (SQLException | RuntimeException e) {
          batch.forEach(row -> row.done().completeExceptionally(e));
        } finally {
          batch.clear();
        }
      }
    }

    private void insert(Row row) throws SQLException {
      if (layout == Layout.ONE_ROW) {
        PreparedStatement review = inserts.get(0);
        review.setLong(1, ++seq);
        review.setString(2, row.plan());
        review.setString(3, row.decision());
        review.executeUpdate();
        return;
      }
      String id = Ids.next();
      PreparedStatement plan = inserts.get(0);
      plan.setString(1, id);
      plan.setString(2, row.plan());
      plan.executeUpdate();
      PreparedStatement decision = inserts.get(1);
      decision.setString(1, id);
      decision.setString(2, row.decision());
      decision.executeUpdate();
      PreparedStatement audit = inserts.get(2);
      for (String payload : List.of(row.plan(), row.decision())) {
        audit.setLong(1, ++seq);
        audit.setString(2, payload);
        audit.setString(3, HASH);
        audit.executeUpdate();
      }
    }

    @Override
    public void close() throws Exception {
      closing = true;
      thread.join(TimeUnit.SECONDS.toMillis(10));
      connection.close();
    }
  }

  private static void sleep(Duration duration) throws InterruptedException {
    // The clients run on their own threads; this thread only marks the window's ends.
    TimeUnit.NANOSECONDS.sleep(duration.toNanos());
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.io.IOException e) {
      // A temporary folder left behind is not worth failing the figures over.
    }
  }
}
