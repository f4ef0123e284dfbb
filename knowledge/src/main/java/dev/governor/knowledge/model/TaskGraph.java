package dev.governor.knowledge.model;

import java.util.List;

/**
 * A task's execution graph: every step of its plans, and those still to run in dependency order.
 */
public record TaskGraph(
    String taskId, String phase, List<GraphStep> steps, List<GraphStep> toRun) {}
