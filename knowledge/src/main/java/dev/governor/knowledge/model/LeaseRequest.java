package dev.governor.knowledge.model;

/**
 * An adaptation action: an approved step that writes {@code resource} should hold a lease on it.
 */
public record LeaseRequest(String stepId, String resource) {}
