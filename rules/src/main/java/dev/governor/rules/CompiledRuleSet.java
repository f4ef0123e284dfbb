package dev.governor.rules;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;
import org.kie.api.event.rule.DefaultRuleRuntimeEventListener;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.StatelessKieSession;

/**
 * One compiled version of the rule set. Evaluation runs a stateless session, so any number of
 * threads may evaluate at once; the session has no globals, so nothing is shared between calls.
 */
public final class CompiledRuleSet implements AutoCloseable {

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::verdict)
          .reversed()
          .thenComparing(Finding::rule)
          .thenComparing(Finding::stepId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Finding::message);

  private final int version;
  private final KieContainer container;
  private final KieBase base;

  CompiledRuleSet(int version, KieContainer container, KieBase base) {
    this.version = version;
    this.container = container;
    this.base = base;
  }

  public int version() {
    return version;
  }

  /** An evaluation with no operator overrides of effects and no agent-created resources. */
  public List<Finding> evaluate(Agent agent, Plan plan) {
    return evaluate(agent, plan, ActionCatalogue.DEFAULTS, Map.of());
  }

  /**
   * Every finding the rules produce for this plan, in a stable order: strongest verdict first.
   * {@code creators} maps each target an agent created to that agent's id.
   */
  public List<Finding> evaluate(
      Agent agent, Plan plan, ActionCatalogue catalogue, Map<String, String> creators) {
    return evaluate(agent, plan, catalogue, ReviewContext.of(creators));
  }

  /** Every finding for this plan, with its task and the leases held now in the facts. */
  public List<Finding> evaluate(
      Agent agent, Plan plan, ActionCatalogue catalogue, ReviewContext context) {
    // A fresh stateless session per call costs nothing (the working memory is per call anyway)
    // and lets a per-call listener collect findings as rules insert them: cheaper than a command
    // batch that scans working memory afterwards, and no shared globals.
    List<Finding> findings = new ArrayList<>();
    StatelessKieSession session = base.newStatelessKieSession();
    session.addEventListener(
        new DefaultRuleRuntimeEventListener() {
          @Override
          public void objectInserted(ObjectInsertedEvent event) {
            if (event.getObject() instanceof dev.governor.rules.model.Finding finding) {
              findings.add(finding.toKnowledge());
            }
          }
        });
    session.execute(Facts.of(agent, plan, catalogue, context));
    findings.sort(ORDER);
    return findings;
  }

  @Override
  public void close() {
    container.dispose();
  }
}
