package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The result of walking the audit chain: how many entries, and the first one that does not fit. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditVerification(boolean ok, long entries, Long firstBadSeq, String problem) {}
