package dev.governor.rules;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Finding;
import dev.governor.knowledge.model.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;
import org.kie.api.command.Command;
import org.kie.api.runtime.ExecutionResults;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.StatelessKieSession;
import org.kie.internal.command.CommandFactory;
import org.kie.api.runtime.ClassObjectFilter;

/**
 * One compiled version of the rule set. Evaluation runs a stateless session, so any number of
 * threads may evaluate at once; the session has no globals, so nothing is shared between calls.
 */
public final class CompiledRuleSet implements AutoCloseable {

  private static final String FINDINGS = "findings";
  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::verdict)
          .reversed()
          .thenComparing(Finding::rule)
          .thenComparing(Finding::stepId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Finding::message);

  private final int version;
  private final KieContainer container;
  private final StatelessKieSession session;

  CompiledRuleSet(int version, KieContainer container, KieBase base) {
    this.version = version;
    this.container = container;
    this.session = base.newStatelessKieSession();
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
    List<Command<?>> commands =
        List.of(
            CommandFactory.newInsertElements(Facts.of(agent, plan, catalogue, creators)),
            CommandFactory.newFireAllRules(),
            CommandFactory.newGetObjects(
                new ClassObjectFilter(dev.governor.rules.model.Finding.class), FINDINGS));
    ExecutionResults results = session.execute(CommandFactory.newBatchExecution(commands));
    Collection<?> found = (Collection<?>) results.getValue(FINDINGS);
    List<Finding> findings = new ArrayList<>(found.size());
    for (Object finding : found) {
      findings.add(((dev.governor.rules.model.Finding) finding).toKnowledge());
    }
    findings.sort(ORDER);
    return findings;
  }

  @Override
  public void close() {
    container.dispose();
  }
}
