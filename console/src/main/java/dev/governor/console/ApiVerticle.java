package dev.governor.console;

import dev.governor.knowledge.Knowledge;
import dev.governor.knowledge.bus.Bus;
import dev.governor.knowledge.bus.Messages.DecisionRecorded;
import dev.governor.knowledge.bus.Messages.EscalationChanged;
import dev.governor.knowledge.bus.Messages.ReviewFailed;
import dev.governor.knowledge.bus.RecordCodec;
import dev.governor.knowledge.store.KnowledgeStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of Governor: the API of the OpenAPI document (requests validated against it), the
 * web console, and {@code /health}. Agents' plans go to Monitor on the bus; their answers come back
 * from Execute's announcements.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final String OPENAPI = "openapi.json";

  private final KnowledgeStore store;
  private final Clock clock;
  private HttpServer server;

  public ApiVerticle(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    RecordCodec.registerAll(vertx);
    Knowledge knowledge = new Knowledge(vertx, store);
    DecisionWaiters waiters = new DecisionWaiters(vertx);
    vertx
        .eventBus()
        .<DecisionRecorded>consumer(
            Bus.EXECUTE_DECISIONS, m -> waiters.decided(m.body().decision()));
    vertx
        .eventBus()
        .<ReviewFailed>consumer(
            Bus.EXECUTE_FAILURES, m -> waiters.failed(m.body().planId(), m.body().reason()));
    ReviewMetrics metrics = new ReviewMetrics(store);
    vertx
        .eventBus()
        .<EscalationChanged>consumer(
            Bus.EXECUTE_ESCALATIONS, m -> countPending(knowledge, metrics));
    countPending(knowledge, metrics);
    AgentApi agents =
        new AgentApi(
            knowledge,
            vertx.eventBus(),
            waiters,
            config().getInteger("reviewTimeoutSeconds", 30) * 1000L,
            config().getInteger("maxWaitSeconds", 60),
            metrics);
    OperatorApi operators = new OperatorApi(vertx, knowledge);
    RuleSetApi ruleSets =
        new RuleSetApi(
            vertx,
            knowledge,
            clock,
            config().getString("leaseConflict", "escalate"),
            config().getInteger("sandboxTasksRequired", 3));
    ActionApi actions = new ActionApi(knowledge, vertx.eventBus());
    Sessions sessions =
        new Sessions(
            knowledge, clock, java.time.Duration.ofHours(config().getInteger("sessionHours", 12)));
    TaskApi tasks =
        new TaskApi(
            knowledge,
            vertx.eventBus(),
            clock,
            java.time.Duration.ofSeconds(config().getLong("approvalTtlSeconds", 3600L)));
    TelemetryApi telemetry = new TelemetryApi(knowledge, vertx.eventBus(), metrics);
    CircuitApi circuits = new CircuitApi(vertx, knowledge);
    AgentListApi agentList = new AgentListApi(knowledge, vertx.eventBus());
    TimelineApi timelines = new TimelineApi(knowledge);
    metrics.watchCircuits(vertx, knowledge);
    Authenticator authenticator =
        new Authenticator(knowledge, sessions, blankToNull(config().getString("adminToken")));
    SessionApi signIns = new SessionApi(vertx, knowledge, sessions, authenticator, clock);
    OperatorsApi operatorAccounts = new OperatorsApi(vertx, knowledge, clock);
    vertx.setPeriodic(
        60_000,
        id -> {
          sessions.purge();
          signIns.purgeFailures();
        });
    long bodyLimit = config().getLong("maxBodyBytes", 262_144L);
    ContractValidation validation = ContractValidation.load(OPENAPI);
    return sessions
        .load(blankToNull(config().getString("adminToken")) != null)
        .compose(loaded -> OpenAPIContract.from(vertx, OPENAPI))
        .map(
            contract -> {
              RouterBuilder builder =
                  RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
              for (OpenAPIRoute route : builder.getRoutes()) {
                route.setDoValidation(false).setDoSecurity(false);
                route.addHandler(validation.handler(route.getOperation().getOperationId()));
              }
              builder.rootHandler(BodyHandler.create(false).setBodyLimit(bodyLimit));
              builder.rootHandler(ctx -> authenticateApi(ctx, authenticator));
              on(builder, "registerAgent", agents::register);
              on(builder, "getAgent", agents::get);
              on(builder, "submitPlan", agents::submitPlan);
              on(builder, "getDecision", agents::getDecision);
              on(builder, "reportStep", agents::reportStep);
              on(builder, "listEscalations", operators::listEscalations);
              on(builder, "getEscalation", operators::getEscalation);
              on(builder, "resolveEscalation", operators::resolveEscalation);
              on(builder, "listAudit", operators::listAudit);
              on(builder, "verifyAudit", operators::verifyAudit);
              on(builder, "listRuleSets", ruleSets::list);
              on(builder, "getRuleSet", ruleSets::get);
              on(builder, "validateRuleSet", ruleSets::validate);
              on(builder, "createRuleSet", ruleSets::create);
              on(builder, "activateRuleSet", ruleSets::activate);
              on(builder, "backtestRuleSet", ruleSets::backtest);
              on(builder, "listActionEffects", actions::list);
              on(builder, "getActionEffect", actions::get);
              on(builder, "setActionEffect", actions::set);
              on(builder, "events", operators::events);
              on(builder, "whoami", operators::whoami);
              on(builder, "signIn", signIns::signIn);
              on(builder, "getSession", signIns::current);
              on(builder, "signOut", signIns::signOut);
              on(builder, "listOperators", operatorAccounts::list);
              on(builder, "createOperator", operatorAccounts::create);
              on(builder, "updateOperator", operatorAccounts::update);
              on(builder, "disableOperator", operatorAccounts::disable);
              on(builder, "openTask", tasks::open);
              on(builder, "getTask", tasks::get);
              on(builder, "advanceTask", tasks::advance);
              on(builder, "getTaskGraph", tasks::graph);
              on(builder, "listLeases", tasks::leases);
              on(builder, "checkApproval", tasks::checkApproval);
              on(builder, "ingestTelemetry", telemetry::ingest);
              on(builder, "heartbeat", telemetry::heartbeat);
              on(builder, "getUsage", telemetry::usage);
              on(builder, "commandStream", circuits::commandStream);
              on(builder, "commandAgent", circuits::command);
              on(builder, "resetCircuit", circuits::reset);
              on(builder, "setBudgets", circuits::setBudgets);
              on(builder, "listAlerts", circuits::listAlerts);
              on(builder, "listAgents", agentList::list);
              on(builder, "getAgentTimeline", timelines::agent);
              on(builder, "getTaskTimeline", timelines::task);
              Router router = builder.createRouter();
              router.get("/health").handler(ctx -> health(ctx, knowledge));
              router
                  .get("/metrics")
                  .handler(
                      ctx ->
                          ctx.response()
                              .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                              .end(metrics.scrape()));
              router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().sendFile(OPENAPI));
              router.route("/api/*").handler(this::unknownRoute);
              // Browser libraries from WebJars on the classpath; their paths carry the version,
              // so they may be cached.
              router
                  .route("/webjars/*")
                  .handler(ApiVerticle::securityHeaders)
                  .handler(StaticHandler.create("META-INF/resources/webjars"));
              router
                  .route("/*")
                  .handler(ApiVerticle::securityHeaders)
                  // The console ships inside the jar: after an upgrade it must not be served stale.
                  .handler(StaticHandler.create("webroot").setCachingEnabled(false));
              router.route().failureHandler(this::failed);
              return router;
            })
        .compose(
            router ->
                vertx
                    .createHttpServer(new HttpServerOptions().setCompressionSupported(false))
                    .requestHandler(router)
                    .listen(
                        config().getInteger("httpPort", 8080),
                        config().getString("httpHost", "127.0.0.1")))
        .onSuccess(listening -> server = listening);
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private static void on(
      RouterBuilder builder, String operationId, io.vertx.core.Handler<RoutingContext> handler) {
    builder.getRoute(operationId).addHandler(handler);
  }

  private static void authenticateApi(RoutingContext ctx, Authenticator authenticator) {
    String path = ctx.normalizedPath();
    boolean signingIn = path.equals("/api/v1/session") && ctx.request().method() == HttpMethod.POST;
    if (path.startsWith("/api/") && !path.equals("/api/v1/openapi.json") && !signingIn) {
      authenticator.authenticate(ctx);
    } else {
      ctx.next();
    }
  }

  /** What every page and script the browser gets is sent with: scripts only from this origin. */
  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader(
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        .putHeader("x-content-type-options", "nosniff");
    ctx.next();
  }

  /** Escalations change rarely; a count on each change keeps the gauge exact without polling. */
  private static void countPending(Knowledge knowledge, ReviewMetrics metrics) {
    knowledge.read(KnowledgeStore::pendingEscalations).onSuccess(metrics::pendingEscalations);
  }

  private void health(RoutingContext ctx, Knowledge knowledge) {
    knowledge
        .read(KnowledgeStore::healthy)
        .onComplete(
            result -> {
              boolean up = result.succeeded() && result.result();
              Views.send(ctx, up ? 200 : 503, up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
            });
  }

  private void unknownRoute(RoutingContext ctx) {
    HttpErrors.respond(
        ctx,
        404,
        "not_found",
        "no route "
            + ctx.request().method()
            + " "
            + ctx.normalizedPath()
            + "; the API is described at /api/v1/openapi.json");
  }

  private void failed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    switch (status) {
      case 413 ->
          HttpErrors.respond(
              ctx,
              413,
              "body_too_large",
              "the body is larger than the limit of "
                  + config().getLong("maxBodyBytes")
                  + " bytes");
      case 404 -> unknownRoute(ctx);
      case 405 ->
          HttpErrors.respond(
              ctx, 405, "method_not_allowed", "that route does not take " + ctx.request().method());
      case 400 ->
          HttpErrors.respond(
              ctx, 400, "invalid_request", failure == null ? "bad request" : failure.getMessage());
      default -> {
        LOG.error("Request {} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
        HttpErrors.respond(ctx, 500, "internal_error", "Governor failed to answer; see its log");
      }
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
