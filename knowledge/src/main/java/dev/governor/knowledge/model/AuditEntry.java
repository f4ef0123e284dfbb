package dev.governor.knowledge.model;

import java.time.Instant;

/**
 * One entry of the append-only audit log. {@code hash} commits to every other field, including
 * {@code prevHash}, the hash of the entry before; {@code payload} is JSON text, hashed as stored.
 */
public record AuditEntry(
    long seq,
    Instant at,
    String type,
    String actor,
    String subject,
    String payload,
    String prevHash,
    String hash) {}
