package dev.governor.rules;

import dev.governor.knowledge.model.Lease;
import dev.governor.knowledge.model.Task;
import dev.governor.rules.model.Agent;
import java.util.List;
import java.util.Map;

/**
 * What a review knows beyond the agent and its plan: the plan's task (or null), the leases held now
 * on resources, what a write to a resource another agent holds should get ({@code escalate} or
 * {@code deny}), and the agent's sandbox record.
 */
public record ReviewContext(
    Map<String, String> creators,
    Task task,
    List<Lease> leases,
    String leaseConflict,
    Agent.SandboxRecord sandboxRecord) {

  public static final ReviewContext NONE = new ReviewContext(Map.of(), null, List.of(), "escalate");

  public ReviewContext {
    creators = creators == null ? Map.of() : creators;
    leases = leases == null ? List.of() : List.copyOf(leases);
    leaseConflict = leaseConflict == null ? "escalate" : leaseConflict;
    sandboxRecord = sandboxRecord == null ? Agent.SandboxRecord.NOT_REQUIRED : sandboxRecord;
  }

  /** A context with no sandbox requirement. */
  public ReviewContext(
      Map<String, String> creators, Task task, List<Lease> leases, String leaseConflict) {
    this(creators, task, leases, leaseConflict, Agent.SandboxRecord.NOT_REQUIRED);
  }

  public static ReviewContext of(Map<String, String> creators) {
    return new ReviewContext(creators, null, List.of(), "escalate");
  }
}
