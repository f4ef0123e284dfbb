package dev.governor.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.governor.knowledge.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates requests against the OpenAPI document's schemas, on the event loop, with validators
 * built once per operation. (vertx-openapi's own validator builds its validators anew for every
 * request on a worker thread; that cost more than the whole review.)
 */
final class ContractValidation {

  /** The request body as a parsed, valid JSON tree, for the route's handler. */
  private static final String BODY = "governor.body";

  /** Bodies at least this large are parsed and validated on a worker thread. */
  private static final int OFFLOAD_BYTES = 32 * 1024;

  private static final JsonSchemaFactory SCHEMAS =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private record ParameterCheck(
      String name, boolean inPath, boolean required, String type, JsonSchema schema) {}

  /** The OpenAPI document, with component references made into JSON Schema {@code $defs}. */
  private final ObjectNode document;

  private ContractValidation(ObjectNode document) {
    this.document = document;
  }

  static ContractValidation load(String resource) {
    try (InputStream in = ContractValidation.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return new ContractValidation(
          (ObjectNode) Json.MAPPER.readTree(text.replace("#/components/schemas/", "#/$defs/")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The validating handler for one operation of the document. */
  Handler<RoutingContext> handler(String operationId) {
    JsonNode operation = operation(operationId);
    List<ParameterCheck> parameters = new ArrayList<>();
    for (JsonNode parameter : operation.path("parameters")) {
      String in = parameter.path("in").asText();
      if (in.equals("path") || in.equals("query")) {
        parameters.add(
            new ParameterCheck(
                parameter.path("name").asText(),
                in.equals("path"),
                parameter.path("required").asBoolean(false),
                parameter.path("schema").path("type").asText("string"),
                schema(parameter.path("schema"))));
      }
    }
    JsonNode body = operation.path("requestBody");
    JsonSchema bodySchema =
        body.isMissingNode()
            ? null
            : schema(body.path("content").path("application/json").path("schema"));
    boolean bodyRequired = body.path("required").asBoolean(false);
    return ctx -> validate(ctx, parameters, bodySchema, bodyRequired);
  }

  /** The valid body as a record. */
  static <T> T body(RoutingContext ctx, Class<T> type) {
    try {
      return Json.MAPPER.treeToValue((JsonNode) ctx.get(BODY), type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The valid body as a parsed tree (null when the request had none). */
  static JsonNode tree(RoutingContext ctx) {
    return ctx.get(BODY);
  }

  /** The valid body as a Vert.x JSON object. */
  @SuppressWarnings("unchecked")
  static JsonObject bodyObject(RoutingContext ctx) {
    return new JsonObject(Json.MAPPER.convertValue((JsonNode) ctx.get(BODY), Map.class));
  }

  private JsonNode operation(String operationId) {
    for (Iterator<JsonNode> paths = document.path("paths").elements(); paths.hasNext(); ) {
      for (Iterator<JsonNode> operations = paths.next().elements(); operations.hasNext(); ) {
        JsonNode operation = operations.next();
        if (operationId.equals(operation.path("operationId").asText())) {
          return operation;
        }
      }
    }
    throw new IllegalArgumentException("no operation " + operationId + " in the OpenAPI document");
  }

  private JsonSchema schema(JsonNode schema) {
    ObjectNode root = schema.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("$defs", document.path("components").path("schemas"));
    return SCHEMAS.getSchema(root);
  }

  private static void validate(
      RoutingContext ctx, List<ParameterCheck> parameters, JsonSchema body, boolean bodyRequired) {
    for (ParameterCheck check : parameters) {
      String raw =
          check.inPath() ? ctx.pathParam(check.name()) : ctx.queryParams().get(check.name());
      if (raw == null) {
        if (check.required()) {
          HttpErrors.respond(
              ctx, 400, "missing_field", "the parameter " + check.name() + " is required");
          return;
        }
        continue;
      }
      JsonNode value = typed(check.type(), raw);
      if (value == null) {
        HttpErrors.respond(
            ctx,
            400,
            "invalid_request",
            "the parameter "
                + check.name()
                + " must be "
                + describe(check.type())
                + ", not \""
                + raw
                + "\"");
        return;
      }
      Set<ValidationMessage> problems = check.schema().validate(value);
      if (!problems.isEmpty()) {
        HttpErrors.respond(
            ctx,
            400,
            "invalid_request",
            "the parameter "
                + check.name()
                + " is invalid: "
                + problems.iterator().next().getMessage());
        return;
      }
    }
    if (body == null) {
      ctx.next();
      return;
    }
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      if (bodyRequired) {
        HttpErrors.respond(ctx, 400, "missing_field", "this request needs a JSON body");
      } else {
        ctx.next();
      }
      return;
    }
    String contentType = ctx.request().getHeader("content-type");
    if (contentType != null
        && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      HttpErrors.respond(
          ctx,
          415,
          "unsupported_media_type",
          "send the body as JSON with \"content-type: application/json\", not " + contentType);
      return;
    }
    if (buffer.length() < OFFLOAD_BYTES) {
      proceed(ctx, checkBody(buffer, body));
      return;
    }
    // A large body (a telemetry batch, say) is parsed and checked on a worker, one at a time per
    // server: the event loop keeps answering reviews meanwhile.
    ctx.vertx()
        .executeBlocking(() -> checkBody(buffer, body), true)
        .onComplete(
            checked -> {
              if (checked.succeeded()) {
                proceed(ctx, checked.result());
              } else {
                ctx.fail(checked.cause());
              }
            });
  }

  /** A parsed, valid body, or why it is not one. */
  private record BodyCheck(JsonNode parsed, String code, String message) {}

  private static void proceed(RoutingContext ctx, BodyCheck checked) {
    if (checked.parsed() == null) {
      HttpErrors.respond(ctx, 400, checked.code(), checked.message());
      return;
    }
    ctx.put(BODY, checked.parsed());
    ctx.next();
  }

  private static BodyCheck checkBody(Buffer buffer, JsonSchema schema) {
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(buffer.getBytes());
    } catch (IOException e) {
      return new BodyCheck(
          null, "malformed_json", "the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    Set<ValidationMessage> problems = schema.validate(parsed);
    if (!problems.isEmpty()) {
      boolean missing = problems.stream().anyMatch(p -> "required".equals(p.getType()));
      ValidationMessage first =
          problems.stream()
              .filter(p -> !missing || "required".equals(p.getType()))
              .findFirst()
              .orElseThrow();
      return new BodyCheck(
          null,
          missing ? "missing_field" : "invalid_request",
          first.getMessage().replaceFirst("^\\$", "body"));
    }
    return new BodyCheck(parsed, null, null);
  }

  private static JsonNode typed(String type, String raw) {
    try {
      return switch (type) {
        case "integer" -> LongNode.valueOf(Long.parseLong(raw));
        case "number" -> DoubleNode.valueOf(Double.parseDouble(raw));
        case "boolean" ->
            raw.equals("true") ? BooleanNode.TRUE : raw.equals("false") ? BooleanNode.FALSE : null;
        default -> TextNode.valueOf(raw);
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String describe(String type) {
    return switch (type) {
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      default -> "text";
    };
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }
}
