package dev.governor.knowledge.model;

import java.util.List;

/** How one rule-set test went: the verdict given, the rules that fired, and what was missing. */
public record RuleTestResult(
    String name,
    boolean ok,
    Verdict verdict,
    Verdict expectedVerdict,
    List<String> rules,
    List<String> missingRules,
    String message) {}
