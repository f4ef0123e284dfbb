package dev.governor.knowledge.model;

import java.time.Instant;
import java.util.List;

/**
 * One step of a task's execution graph: which plan, what it does, what it depends on, its verdict
 * and state, the verifiers' findings on its evidence, and whether it can run now ({@code ready}:
 * still to run, every dependency completed).
 */
public record GraphStep(
    String planId,
    String stepId,
    String action,
    String target,
    List<String> dependsOn,
    Verdict verdict,
    StepState state,
    List<EvidenceCheck> checks,
    boolean ready,
    Instant reportedAt) {}
