package dev.governor.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.RuleSetActivated;
import dev.governor.knowledge.bus.Messages.RuleSetActivation;
import dev.governor.knowledge.bus.Problem;
import dev.governor.knowledge.model.Role;
import dev.governor.knowledge.model.RuleSetVersion;
import dev.governor.knowledge.model.RuleTestCase;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.knowledge.model.Step;
import dev.governor.knowledge.store.KnowledgeStore;
import dev.governor.knowledge.store.TaskStore;
import dev.governor.rules.ActionCatalogue;
import dev.governor.rules.Backtest;
import dev.governor.rules.CompiledRuleSet;
import dev.governor.rules.RuleCompilationException;
import dev.governor.rules.RuleCompiler;
import dev.governor.rules.RuleError;
import dev.governor.rules.RuleTests;
import dev.governor.rules.model.Agent.SandboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule-set versions: list, validate (changes nothing), create (compiled first; a broken one is
 * refused with its errors and the attempt audited), and activate (by the Analyze stage).
 */
final class RuleSetApi {

  private static final int DEFAULT_BACKTEST = 1000;

  private final Vertx vertx;
  private final Knowledge knowledge;
  private final Clock clock;
  private final String leaseConflict;
  private final int sandboxTasksRequired;

  /**
   * {@code leaseConflict} and {@code sandboxTasksRequired} are the settings live reviews use, so a
   * backtest judges leases and sandbox records alike.
   */
  RuleSetApi(
      Vertx vertx,
      Knowledge knowledge,
      Clock clock,
      String leaseConflict,
      int sandboxTasksRequired) {
    this.vertx = vertx;
    this.knowledge = knowledge;
    this.clock = clock;
    this.leaseConflict = leaseConflict;
    this.sandboxTasksRequired = sandboxTasksRequired;
  }

  void list(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    knowledge
        .read(s -> new Listing(s.ruleSets(), s.ruleSetAuthors()))
        .onSuccess(
            listing -> {
              ObjectNode view = Json.MAPPER.createObjectNode();
              ArrayNode list = view.putArray("versions");
              for (RuleSetVersion version : listing.versions()) {
                ObjectNode item = Json.MAPPER.valueToTree(version);
                item.put("createdBy", listing.authors().get(version.version()));
                list.add(item);
                if (version.active()) {
                  view.put("active", version.version());
                }
              }
              Views.send(ctx, 200, view);
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void get(RoutingContext ctx) {
    if (!allowed(ctx, Role.VIEWER)) {
      return;
    }
    int version = Integer.parseInt(ctx.pathParam("version"));
    knowledge
        .read(s -> s.ruleSet(version))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_rule_set", "no rule-set version " + version);
              } else {
                Views.send(ctx, 200, found.get());
              }
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  void validate(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    Candidate candidate = candidate(ctx);
    check(candidate)
        .onSuccess(checked -> Views.send(ctx, 200, validation(checked)))
        .onFailure(failure -> HttpErrors.respond(ctx, 500, "internal_error", failure.getMessage()));
  }

  void create(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    Candidate candidate = candidate(ctx);
    String actor = Authenticator.of(ctx).actor();
    check(candidate)
        .compose(
            checked -> {
              if (!checked.errors().isEmpty()) {
                return knowledge
                    .write(
                        s ->
                            s.recordRejectedRuleSet(
                                candidate.files(), checked.errors(), actor, clock.instant()))
                    .onSuccess(seq -> Views.send(ctx, 422, validation(checked)))
                    .mapEmpty();
              }
              return knowledge
                  .write(
                      s ->
                          s.createRuleSet(
                              candidate.files(),
                              candidate.tests(),
                              candidate.comment(),
                              false,
                              actor,
                              clock.instant()))
                  .onSuccess(
                      created -> {
                        ObjectNode view = Json.MAPPER.valueToTree(created);
                        view.set("testResults", Json.MAPPER.valueToTree(checked.testResults()));
                        ctx.response()
                            .putHeader("location", "/api/v1/rulesets/" + created.version());
                        Views.send(ctx, 201, view);
                      })
                  .mapEmpty();
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  /** Replays the last {@code limit} recorded plans through a version; changes nothing. */
  void backtest(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    int version = Integer.parseInt(ctx.pathParam("version"));
    String limitParam = ctx.queryParams().get("limit");
    int limit = limitParam == null ? DEFAULT_BACKTEST : Integer.parseInt(limitParam);
    knowledge
        .read(s -> s.ruleSet(version))
        .compose(
            found -> {
              if (found.isEmpty()) {
                HttpErrors.respond(ctx, 404, "unknown_rule_set", "no rule-set version " + version);
                return Future.succeededFuture();
              }
              return vertx
                  .executeBlocking(
                      () -> {
                        try (CompiledRuleSet rules =
                            RuleCompiler.compile(version, found.get().files())) {
                          KnowledgeStore store = knowledge.store();
                          Map<String, String> creators = new HashMap<>();
                          store
                              .resources()
                              .values()
                              .forEach(r -> creators.put(r.target(), r.createdBy()));
                          return Backtest.run(
                              rules,
                              store.recentReviews(limit),
                              new ActionCatalogue(store.actionEffects()),
                              creators,
                              replay(store));
                        }
                      },
                      false)
                  .onSuccess(result -> Views.send(ctx, 200, result))
                  .mapEmpty();
            })
        .onFailure(failure -> HttpErrors.respond(ctx, 503, "unavailable", failure.getMessage()));
  }

  /** What each past review saw, looked up again as of when its plan arrived. Blocks. */
  private Backtest.Replay replay(KnowledgeStore store) {
    Map<TaskStore.Lineage, List<Instant>> sandboxDone = new HashMap<>();
    for (TaskStore.SandboxTaskDone done : store.tasks().sandboxTasksDone()) {
      sandboxDone.computeIfAbsent(done.lineage(), l -> new ArrayList<>()).add(done.at());
    }
    return new Backtest.Replay(
        taskId -> store.tasks().task(taskId).orElse(null),
        plan ->
            store
                .leases()
                .heldAt(plan.steps().stream().map(Step::target).toList(), plan.receivedAt()),
        review -> {
          List<Instant> done =
              sandboxDone.getOrDefault(
                  new TaskStore.Lineage(review.agent().name(), review.agent().owner()), List.of());
          Instant arrived = review.plan().receivedAt();
          int before = (int) done.stream().filter(at -> at.isBefore(arrived)).count();
          return new SandboxRecord(before, sandboxTasksRequired);
        },
        leaseConflict);
  }

  void activate(RoutingContext ctx) {
    if (!allowed(ctx, Role.AUTHOR)) {
      return;
    }
    int version = Integer.parseInt(ctx.pathParam("version"));
    vertx
        .eventBus()
        .<RuleSetActivated>request(
            Bus.ANALYZE_ACTIVATE_RULE_SET,
            new RuleSetActivation(
                version,
                Authenticator.of(ctx).actor(),
                "true".equals(ctx.queryParams().get("force"))))
        .compose(reply -> knowledge.read(s -> s.ruleSet(reply.body().version())))
        .onSuccess(activated -> Views.send(ctx, 200, activated.orElseThrow()))
        .onFailure(failure -> HttpErrors.respond(ctx, Problem.of(failure)));
  }

  /** The versions and who created each. */
  private record Listing(List<RuleSetVersion> versions, Map<Integer, String> authors) {}

  /** What an author sends: files, tests, a comment. */
  private record Candidate(Map<String, String> files, List<RuleTestCase> tests, String comment) {}

  /** Compile errors, or, when it compiles, how its tests went. */
  private record Checked(List<RuleError> errors, List<RuleTestResult> testResults) {}

  /** Compiles and tests off the event loop. */
  private Future<Checked> check(Candidate candidate) {
    return vertx.executeBlocking(
        () -> {
          try (CompiledRuleSet compiled = RuleCompiler.compile(0, candidate.files())) {
            return new Checked(List.of(), RuleTests.run(compiled, candidate.tests()));
          } catch (RuleCompilationException invalid) {
            return new Checked(invalid.errors(), List.of());
          }
        },
        false);
  }

  private static ObjectNode validation(Checked checked) {
    ObjectNode view = Json.MAPPER.createObjectNode();
    view.put("ok", checked.errors().isEmpty() && RuleTests.allPassed(checked.testResults()));
    view.set("errors", Json.MAPPER.valueToTree(checked.errors()));
    view.set("testResults", Json.MAPPER.valueToTree(checked.testResults()));
    return view;
  }

  private static Candidate candidate(RoutingContext ctx) {
    CandidateBody body = ContractValidation.body(ctx, CandidateBody.class);
    return new Candidate(
        body.files(),
        body.tests() == null ? List.of() : body.tests(),
        body.comment() == null ? "" : body.comment());
  }

  private record CandidateBody(
      Map<String, String> files, List<RuleTestCase> tests, String comment) {}

  private static boolean allowed(RoutingContext ctx, Role role) {
    return OperatorApi.allowed(ctx, role);
  }
}
