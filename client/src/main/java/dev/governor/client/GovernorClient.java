package dev.governor.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Governor's HTTP API for one credential: an agent's token (plans, decisions, step reports,
 * telemetry, heartbeats, its command stream) or an operator's (registering agents, answering
 * escalations). Every call blocks until Governor answers; an error answer is a {@link
 * GovernorException} with Governor's code. Thread-safe.
 */
public final class GovernorClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final URI base;
  private final String token;

  private GovernorClient(HttpClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** A client for Governor at {@code base} (such as {@code http://127.0.0.1:8080}). */
  public static GovernorClient connect(URI base, String token) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return new GovernorClient(http, base, token);
  }

  /** The same Governor, acting with another token (an agent's, once registered). */
  public GovernorClient as(String otherToken) {
    return new GovernorClient(http, base, otherToken);
  }

  /** A new JSON object, for plans, steps, reports and events. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  // ---- operators ----

  /** A registered agent and its secret token, which Governor shows only this once. */
  public record RegisteredAgent(String id, String token, JsonNode body) {}

  /**
   * Registers an agent (admin): {@code {name, owner, environment, grants[], budgets{}, labels{},
   * tools{}}}.
   */
  public RegisteredAgent registerAgent(ObjectNode registration) {
    JsonNode body = send("POST", "/api/v1/agents", registration);
    return new RegisteredAgent(body.path("id").asText(), body.path("token").asText(), body);
  }

  /** Approves or denies an escalation (approver); returns the settled decision. */
  public Decision resolveEscalation(String escalationId, boolean approve, String reason) {
    ObjectNode answer =
        object().put("resolution", approve ? "approve" : "deny").put("reason", reason);
    return Decision.of(
        send("POST", "/api/v1/escalations/" + encode(escalationId) + "/resolve", answer));
  }

  /** An agent as Governor sees it: status, circuit, budgets (an operator, or that agent). */
  public JsonNode agent(String agentId) {
    return send("GET", "/api/v1/agents/" + encode(agentId), null);
  }

  /** Alerts raised to people (silent agents, open circuits): {@code open} or {@code all}. */
  public List<JsonNode> alerts(String status) {
    return list(send("GET", "/api/v1/alerts?status=" + encode(status), null), "alerts");
  }

  /** The leases held now: who may write which resource, with which fencing token. */
  public List<JsonNode> leases() {
    return list(send("GET", "/api/v1/leases", null), "leases");
  }

  // ---- agents ----

  /** Sends a plan for review: {@code {idempotencyKey?, taskId?, goal, steps[]}}. */
  public Decision submitPlan(String agentId, ObjectNode plan) {
    return Decision.of(send("POST", "/api/v1/agents/" + encode(agentId) + "/plans", plan));
  }

  /**
   * The decision of a plan; while it is escalated, waits up to {@code wait} for a person to answer.
   */
  public Decision decision(String planId, Duration wait) {
    return Decision.of(
        send(
            "GET",
            "/api/v1/plans/" + encode(planId) + "/decision?wait=" + Math.max(0, wait.toSeconds()),
            null));
  }

  /**
   * Reports how an approved step went: {@code {status, idempotencyKey?, result?, evidence?}}.
   * Returns Governor's answer, with the state the evidence earned.
   */
  public JsonNode reportStep(String planId, String stepId, ObjectNode report) {
    return send(
        "POST", "/api/v1/plans/" + encode(planId) + "/steps/" + encode(stepId) + "/report", report);
  }

  /** Opens a task: {@code {goal, scope[], classification?, idempotencyKey?}}. */
  public JsonNode openTask(String agentId, ObjectNode task) {
    return send("POST", "/api/v1/agents/" + encode(agentId) + "/tasks", task);
  }

  /** Moves a task to its next phase with the evidence its gate asks for. */
  public JsonNode advanceTask(String taskId, ObjectNode advance) {
    return send("POST", "/api/v1/tasks/" + encode(taskId) + "/advance", advance);
  }

  /** A task's execution graph: its steps, their states, and what is still to run. */
  public JsonNode taskGraph(String taskId) {
    return send("GET", "/api/v1/tasks/" + encode(taskId) + "/graph", null);
  }

  /** Sends a batch of telemetry events; the answer carries the agent's circuit. */
  public JsonNode sendTelemetry(String agentId, List<ObjectNode> events) {
    ArrayNode batch = JSON.createArrayNode();
    events.forEach(batch::add);
    return send(
        "POST", "/api/v1/agents/" + encode(agentId) + "/telemetry", object().set("events", batch));
  }

  public JsonNode heartbeat(String agentId) {
    return send("POST", "/api/v1/agents/" + encode(agentId) + "/heartbeat", object());
  }

  /**
   * Follows the agent's command stream from after {@code afterSeq} (0: from the first), handing
   * each command to {@code onCommand} on the stream's own thread.
   */
  public CommandStream followCommands(String agentId, long afterSeq, Consumer<Command> onCommand) {
    URI uri = base.resolve("/api/v1/agents/" + encode(agentId) + "/commands");
    return new CommandStream(http, uri, token, afterSeq, onCommand);
  }

  // ---- the wire ----

  private JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(write(body)));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("Governor at " + base + " cannot be reached", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Governor", e);
    }
    JsonNode answer = response.body().isBlank() ? object() : parse(response.body());
    if (response.statusCode() >= 400) {
      JsonNode error = answer.path("error");
      throw new GovernorException(
          response.statusCode(),
          error.path("code").asText("http_" + response.statusCode()),
          error.path("message").asText(response.body()));
    }
    return answer;
  }

  private static List<JsonNode> list(JsonNode answer, String field) {
    List<JsonNode> items = new ArrayList<>();
    answer.path(field).forEach(items::add);
    return List.copyOf(items);
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Governor answered something that is not JSON", e);
    }
  }

  private static String write(JsonNode body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
