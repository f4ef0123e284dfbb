package dev.governor.rules;

import java.util.List;

/** A rule set that does not compile, with every error found. */
public final class RuleCompilationException extends Exception {

  private final transient List<RuleError> errors;

  public RuleCompilationException(List<RuleError> errors) {
    super(errors.size() + " error(s) in the rule set; first: " + errors.get(0));
    this.errors = List.copyOf(errors);
  }

  public List<RuleError> errors() {
    return errors;
  }
}
