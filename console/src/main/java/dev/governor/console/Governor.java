package dev.governor.console;

import dev.governor.analyze.AnalyzeVerticle;
import dev.governor.console.demo.Demo;
import dev.governor.execute.ExecuteVerticle;
import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.monitor.MonitorVerticle;
import dev.governor.plan.PlanVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The launcher: opens the knowledge store, deploys the loop's four stages and the HTTP API, and
 * prints where the console is. {@code java -jar governor.jar} runs it on the embedded default.
 */
public final class Governor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Governor.class);

  private final Vertx vertx;
  private final KnowledgeStore store;
  private final ApiVerticle api;
  private final String generatedAdminToken;

  private Governor(Vertx vertx, KnowledgeStore store, ApiVerticle api, String generatedAdminToken) {
    this.vertx = vertx;
    this.store = store;
    this.api = api;
    this.generatedAdminToken = generatedAdminToken;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Cli()).execute(args));
  }

  /**
   * {@code governor} (serve), {@code governor demo} (or {@code --demo}), {@code governor validate
   * FILE_OR_DIR}, {@code governor test DIR}.
   */
  @Command(
      name = "governor",
      mixinStandardHelpOptions = true,
      description = "Runs Governor, or checks rules without running it.",
      subcommands = {Cli.Validate.class, Cli.Test.class, Cli.DemoCommand.class})
  static final class Cli implements Callable<Integer> {

    @Option(names = "--demo", description = "Run the demo; the same as the demo command.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
      if (demo) {
        return demo();
      }
      serve();
      // Governor runs until the JVM is told to stop; the shutdown hook closes it.
      new CountDownLatch(1).await();
      return CommandLine.ExitCode.OK;
    }

    @Command(
        name = "demo",
        description =
            "Run Governor on ./data-demo with a fleet of simulated agents playing every story;"
                + " Governor keeps running for you to look around the console.")
    static final class DemoCommand implements Callable<Integer> {
      @Override
      public Integer call() throws Exception {
        return demo();
      }
    }

    @Command(
        name = "validate",
        description = "Compile DRL files; print every error with file, line and column.")
    static final class Validate implements Callable<Integer> {
      @Parameters(paramLabel = "FILE_OR_DIR", description = "a .drl file, or a folder of them")
      Path path;

      @Spec CommandSpec spec;

      @Override
      public Integer call() {
        return new RulesCommand(spec.commandLine().getOut(), spec.commandLine().getErr())
            .validate(path);
      }
    }

    @Command(
        name = "test",
        description =
            "Compile the .drl files in a folder and run the test cases in its *.tests.json files.")
    static final class Test implements Callable<Integer> {
      @Parameters(paramLabel = "DIR", description = "a folder of .drl files and *.tests.json files")
      Path path;

      @Spec CommandSpec spec;

      @Override
      public Integer call() {
        return new RulesCommand(spec.commandLine().getOut(), spec.commandLine().getErr())
            .test(path);
      }
    }
  }

  private static int demo() throws Exception {
    Demo.Running running;
    try {
      running = Demo.start(Demo.settings(Settings.load(System.getenv())), System.out);
    } catch (Demo.FolderRefused refused) {
      System.err.println(refused.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    Runtime.getRuntime()
        .addShutdownHook(new Thread(running.governor()::close, "governor-shutdown"));
    running.play(System.out);
    System.out.println(
        "Governor keeps running: look at the inbox, the agents and the audit log at "
            + running.url()
            + " ; Ctrl+C stops it.");
    new CountDownLatch(1).await();
    return CommandLine.ExitCode.OK;
  }

  private static void serve() throws Exception {
    Settings settings = Settings.load(System.getenv());
    Governor governor = start(settings, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(governor::close, "governor-shutdown"));
    String url = "http://" + settings.httpHost() + ":" + governor.port() + "/";
    System.out.println("Governor is listening on " + url);
    System.out.println(
        "Console: " + url + "  (data in " + settings.dataDir().toAbsolutePath() + ")");
    if (governor.generatedAdminToken != null) {
      System.out.println(
          "Admin token (shown once; set GOVERNOR_ADMIN_TOKEN to choose your own): "
              + governor.generatedAdminToken);
    } else if (settings.adminToken() == null) {
      System.out.println(
          "Sign in with the admin token printed at the first start, or set GOVERNOR_ADMIN_TOKEN.");
    } else {
      System.out.println("Sign in with the token in GOVERNOR_ADMIN_TOKEN.");
    }
  }

  /** Starts Governor and waits until every stage is deployed and the server listens. */
  public static Governor start(Settings settings, Clock clock) throws Exception {
    KnowledgeStore store = KnowledgeStore.openH2(settings.dataDir());
    String generatedToken = null;
    if (settings.adminToken() == null) {
      String candidate = Secrets.newToken("gvo_");
      boolean created =
          store
              .ensureOperator(
                  "admin", Set.of(Role.ADMIN), Secrets.tokenHash(candidate), clock.instant())
              .get(30, TimeUnit.SECONDS);
      generatedToken = created ? candidate : null;
    }
    Vertx vertx = Vertx.vertx();
    JsonObject config = settings.values();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    ApiVerticle api = new ApiVerticle(store, clock);
    try {
      Future.succeededFuture()
          .compose(v -> vertx.deployVerticle(new ExecuteVerticle(store, clock), options))
          .compose(v -> vertx.deployVerticle(new PlanVerticle(clock), options))
          .compose(v -> vertx.deployVerticle(new AnalyzeVerticle(store, clock), options))
          .compose(v -> vertx.deployVerticle(new MonitorVerticle(store, clock), options))
          .compose(v -> vertx.deployVerticle(api, options))
          .await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      store.close();
      throw e;
    }
    LOG.info("Governor started");
    return new Governor(vertx, store, api, generatedToken);
  }

  public int port() {
    return api.actualPort();
  }

  /** The admin token generated on this start, or null if none was. */
  public String generatedAdminToken() {
    return generatedAdminToken;
  }

  /** Stops taking requests, lets the stages finish, then closes the store. */
  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly", e);
    }
    store.close();
    LOG.info("Governor stopped");
  }
}
