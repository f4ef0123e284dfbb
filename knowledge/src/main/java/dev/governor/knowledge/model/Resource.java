package dev.governor.knowledge.model;

import java.time.Instant;

/** A resource an agent created, learned from its approved and reported create step. */
public record Resource(
    String target,
    String kind,
    String createdBy,
    String planId,
    String stepId,
    Instant createdAt) {}
