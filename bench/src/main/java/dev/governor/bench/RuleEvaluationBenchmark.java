package dev.governor.bench;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Budgets;
import dev.governor.knowledge.model.Environment;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import dev.governor.knowledge.model.Step;
import dev.governor.rules.ActionCatalogue;
import dev.governor.rules.CompiledRuleSet;
import dev.governor.rules.DefaultLibrary;
import dev.governor.rules.Facts;
import dev.governor.rules.RuleCompilationException;
import dev.governor.rules.RuleCompiler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.StatelessKieSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Review evaluation in the server path (facts built, the default library run in a stateless
 * session, findings collected and sorted) against an empty rule base through the same path, and
 * against bare Drools: the same rules fired on the same prebuilt facts with nothing around them.
 * Run: {@code java -cp bench/target/governor-bench.jar org.openjdk.jmh.Main RuleEvaluation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RuleEvaluationBenchmark {

  private CompiledRuleSet library;
  private CompiledRuleSet empty;
  private KieContainer bareContainer;
  private StatelessKieSession bare;
  private org.kie.api.runtime.KieSessionsPool barePool;
  private StatelessKieSession barePooled;
  private Agent agent;
  private Plan plan;
  private List<Object> facts;

  @Setup(Level.Trial)
  public void compile() throws RuleCompilationException {
    library = RuleCompiler.compile(1, DefaultLibrary.files());
    empty = RuleCompiler.compile(2, Map.of("empty.drl", "package governor.policy.empty\n"));
    KieServices services = KieServices.Factory.get();
    ReleaseId id = services.newReleaseId("dev.governor.bench", "bare", "1.0.0");
    KieFileSystem files = services.newKieFileSystem().generateAndWritePomXML(id);
    DefaultLibrary.files()
        .forEach((name, text) -> files.write("src/main/resources/governor/bare/" + name, text));
    KieBuilder builder = services.newKieBuilder(files).buildAll();
    if (!builder.getResults().getMessages(org.kie.api.builder.Message.Level.ERROR).isEmpty()) {
      throw new IllegalStateException(builder.getResults().toString());
    }
    bareContainer = services.newKieContainer(id);
    bare = bareContainer.getKieBase().newStatelessKieSession();
    barePool = bareContainer.getKieBase().newKieSessionsPool(4);
    barePooled = barePool.newStatelessKieSession();
    agent =
        new Agent(
            "a",
            "coder",
            "team",
            Environment.STAGING,
            List.of("fs.write:/repo/**", "git.commit:/repo/**"),
            Budgets.NONE,
            Map.of(),
            Instant.EPOCH);
    plan =
        new Plan(
            "p",
            "a",
            null,
            null,
            "update the docs",
            List.of(
                new Step(
                    "s1",
                    "fs.read",
                    "/repo/README.md",
                    "read the docs",
                    List.of("user"),
                    List.of(),
                    Map.of()),
                new Step(
                    "s2",
                    "fs.write",
                    "/repo/docs/guide.md",
                    "document the new flag",
                    List.of("user"),
                    List.of(),
                    Map.of()),
                new Step(
                    "s3",
                    "git.commit",
                    "/repo",
                    "commit the docs change",
                    List.of("agent"),
                    List.of(),
                    Map.of())),
            Instant.EPOCH);
    facts = Facts.of(agent, plan, ActionCatalogue.DEFAULTS, Map.of());
  }

  @TearDown(Level.Trial)
  public void dispose() {
    library.close();
    empty.close();
    barePool.shutdown();
    bareContainer.dispose();
  }

  @Benchmark
  public List<Finding> defaultLibraryInServerPath() {
    return library.evaluate(agent, plan);
  }

  @Benchmark
  public List<Finding> emptyRuleBaseInServerPath() {
    return empty.evaluate(agent, plan);
  }

  /** Building the facts alone: the part of the server path that bare Drools is handed for free. */
  @Benchmark
  public List<Object> factsOnly() {
    return Facts.of(agent, plan, ActionCatalogue.DEFAULTS, Map.of());
  }

  /** Bare Drools with the same pooled working memories the server path uses. */
  @Benchmark
  public List<Object> bareDroolsPooledSession() {
    barePooled.execute(facts);
    return facts;
  }

  @Benchmark
  public List<Object> bareDroolsDefaultLibrary() {
    bare.execute(facts);
    return facts;
  }
}
