package dev.governor.rules.model;

import java.util.List;
import java.util.Set;

/**
 * One step of the plan under review, as rules see it, with what Governor worked out about it: the
 * effect class of its action, the kind of resource it touches, what its intent text speaks of, and
 * the agent's grant that covers it, if any.
 */
public final class Step {

  private final String planId;
  private final String id;
  private final int index;
  private final String action;
  private final String namespace;
  private final String verb;
  private final String effect;
  private final String resourceKind;
  private final String target;
  private final String intent;
  private final Set<String> intentSignals;
  private final List<String> provenance;
  private final List<String> dependsOn;
  private final String coveringGrant;
  private final String createdBy;
  private final String scopePattern;

  public Step(
      String planId,
      String id,
      int index,
      String action,
      String namespace,
      String verb,
      String effect,
      String resourceKind,
      String target,
      String intent,
      Set<String> intentSignals,
      List<String> provenance,
      List<String> dependsOn,
      String coveringGrant,
      String createdBy,
      String scopePattern) {
    this.planId = planId;
    this.id = id;
    this.index = index;
    this.action = action;
    this.namespace = namespace;
    this.verb = verb;
    this.effect = effect;
    this.resourceKind = resourceKind;
    this.target = target;
    this.intent = intent;
    this.intentSignals = Set.copyOf(intentSignals);
    this.provenance = List.copyOf(provenance);
    this.dependsOn = List.copyOf(dependsOn);
    this.coveringGrant = coveringGrant;
    this.createdBy = createdBy;
    this.scopePattern = scopePattern;
  }

  /**
   * The pattern of the task's scope that covers the target, or null: when there is a {@code Task}
   * fact, a null here means the step reaches outside the task's scope.
   */
  public String getScopePattern() {
    return scopePattern;
  }

  /**
   * Who created the target: the id of the agent whose approved, reported create step made it, or
   * {@code human} for everything else.
   */
  public String getCreatedBy() {
    return createdBy;
  }

  public String getPlanId() {
    return planId;
  }

  public String getId() {
    return id;
  }

  /** Position in the plan, from 0. */
  public int getIndex() {
    return index;
  }

  /** The action as sent, {@code namespace.verb}, e.g. {@code env.delete}. */
  public String getAction() {
    return action;
  }

  public String getNamespace() {
    return namespace;
  }

  public String getVerb() {
    return verb;
  }

  /** {@code read}, {@code write}, {@code destructive} or {@code external}. */
  public String getEffect() {
    return effect;
  }

  /**
   * {@code environment}, {@code database}, {@code configuration}, {@code file}, {@code repository},
   * {@code external} or {@code other}.
   */
  public String getResourceKind() {
    return resourceKind;
  }

  public String getTarget() {
    return target;
  }

  public String getIntent() {
    return intent;
  }

  /**
   * What the intent text speaks of, matched case-insensitively on word boundaries: {@code destroy},
   * {@code environment}, {@code database}, {@code configuration}.
   */
  public Set<String> getIntentSignals() {
    return intentSignals;
  }

  public List<String> getProvenance() {
    return provenance;
  }

  public List<String> getDependsOn() {
    return dependsOn;
  }

  /**
   * True when something untrusted influenced this step: provenance {@code retrieved:*}, {@code
   * tool:web*}, or any source marked {@code untrusted}. Content from such sources is data, not
   * instructions.
   */
  public boolean isUntrusted() {
    for (String source : provenance) {
      String lower = source.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("retrieved:")
          || lower.equals("retrieved")
          || lower.startsWith("tool:web")
          || lower.contains("untrusted")) {
        return true;
      }
    }
    return false;
  }

  /** The agent's grant that covers this action on this target, or null if none does. */
  public String getCoveringGrant() {
    return coveringGrant;
  }

  /** The grant that would cover this step: {@code "<action>:<target>"}. */
  public String getRequiredGrant() {
    return action + ":" + target;
  }
}
