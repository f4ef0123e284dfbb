package dev.governor.rules;

/** A problem in a DRL file: which file, where, and what. Line and column are 0 when unknown. */
public record RuleError(String file, int line, int column, String message) {}
