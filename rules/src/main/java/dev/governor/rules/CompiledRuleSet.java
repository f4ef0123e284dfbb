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
import org.kie.api.runtime.KieSessionsPool;
import org.kie.api.runtime.StatelessKieSession;

/**
 * One compiled version of the rule set. Evaluation runs a stateless session over pooled working
 * memories, so any number of threads may evaluate at once; the session has no globals, so nothing
 * is shared between calls.
 */
public final class CompiledRuleSet implements AutoCloseable {

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::verdict)
          .reversed()
          .thenComparing(Finding::rule)
          .thenComparing(Finding::stepId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Finding::message);

  /**
   * The findings of the evaluation running on this thread. Evaluation is synchronous on the calling
   * thread, so one listener per rule set can hand each call its own findings without a global.
   */
  private static final ThreadLocal<List<Finding>> COLLECTING = new ThreadLocal<>();

  private static final int POOLED_SESSIONS = 4;

  private final int version;
  private final KieContainer container;
  private final KieSessionsPool pool;
  private final StatelessKieSession session;

  CompiledRuleSet(int version, KieContainer container, KieBase base) {
    this.version = version;
    this.container = container;
    // A pooled session resets and reuses its working memory instead of building a new one per
    // call, which cost more than firing the whole default library.
    this.pool = base.newKieSessionsPool(POOLED_SESSIONS);
    this.session = pool.newStatelessKieSession();
    session.addEventListener(
        new DefaultRuleRuntimeEventListener() {
          @Override
          public void objectInserted(ObjectInsertedEvent event) {
            List<Finding> findings = COLLECTING.get();
            if (findings != null
                && event.getObject() instanceof dev.governor.rules.model.Finding finding) {
              findings.add(finding.toKnowledge());
            }
          }
        });
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
    List<Finding> findings = new ArrayList<>();
    List<Finding> outer = COLLECTING.get();
    COLLECTING.set(findings);
    try {
      session.execute(Facts.of(agent, plan, catalogue, context));
    } finally {
      COLLECTING.set(outer);
    }
    findings.sort(ORDER);
    return findings;
  }

  @Override
  public void close() {
    pool.shutdown();
    container.dispose();
  }
}
