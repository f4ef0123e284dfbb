package dev.governor.rules;

/**
 * A problem in a DRL file: which file, where, and what. Line and column count from 1 and are 0 when
 * unknown. An error in a rule's consequence (its Java) is placed on the rule's first line.
 */
public record RuleError(String file, int line, int column, String message) {}
