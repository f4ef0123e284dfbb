package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event in the trace of an agent or a task, built from the audit log (and, for leases, from the
 * lease records written in the same transaction as the entry they follow).
 *
 * <p>{@code position} is the audit sequence number of the entry the event comes from; events of one
 * entry share it. {@code kind} is what the console groups by ({@code plan}, {@code decision},
 * {@code escalation}, {@code step}, {@code command}, {@code circuit}, {@code lease}, {@code task},
 * {@code gate}, {@code alert}, {@code agent}, {@code resource}, {@code other}); {@code type} is the
 * audit entry type; {@code details} holds what the kind needs (findings, evidence and checks, the
 * lease) and {@code payload} the audited payload as recorded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineEvent(
    long position,
    Instant at,
    String kind,
    String type,
    String actor,
    String subject,
    String agentId,
    String taskId,
    String planId,
    String summary,
    JsonNode details,
    JsonNode payload) {

  public TimelineEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(summary, "summary");
  }
}
