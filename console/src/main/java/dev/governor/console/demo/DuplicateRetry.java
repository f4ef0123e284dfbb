package dev.governor.console.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governor.client.Decision;
import dev.governor.client.GovernorClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A nightly job times out after inserting its rows and runs again: the same plan, the same steps,
 * the same idempotency keys.
 */
final class DuplicateRetry implements Story {

  static final int ROWS = 40;

  @Override
  public String name() {
    return "A nightly job retries after a timeout and would insert its rows twice";
  }

  @Override
  public Outcome play(Fleet fleet) {
    Fleet.Agent job =
        fleet.register("nightly-import", "staging", List.of("db.insert:db:warehouse/**"), null);
    Path batch =
        Fleet.write(fleet.folder("nightly-import").resolve("batch.csv"), "id,amount\n1,10\n2,20\n");
    // Keys name the night and the row, so the second run sends exactly the keys of the first.
    String night = "night-" + job.id();
    ObjectNode plan = GovernorClient.object().put("idempotencyKey", night + "/plan");
    plan.put("goal", "import tonight's rows into the warehouse");
    ArrayNode steps = plan.putArray("steps");
    for (int row = 0; row < ROWS; row++) {
      steps.add(
          Fleet.step("row-" + row, "db.insert", "db:warehouse/orders/" + row, "insert row " + row));
    }

    Decision first = job.submit(plan);
    int inserted = reportAll(job, first.planId(), night, batch);
    Decision retried = job.submit(plan);
    int alreadyDone = ROWS - reportAll(job, retried.planId(), night, batch);

    String summary =
        (retried.planId().equals(first.planId())
                ? "the retry got the same plan back"
                : "a new plan")
            + "; "
            + alreadyDone
            + " of "
            + ROWS
            + " retried steps answered \"already done\" ("
            + inserted
            + " rows inserted once, none twice)";
    return new Outcome(job.id(), summary, Map.of("planId", first.planId()));
  }

  /** Reports every row and returns how many Governor took as new, not as already done. */
  private static int reportAll(Fleet.Agent job, String planId, String night, Path batch) {
    int fresh = 0;
    for (int row = 0; row < ROWS; row++) {
      ObjectNode report =
          Fleet.succeeded(Fleet.fileEvidence(batch)).put("idempotencyKey", night + "/row-" + row);
      JsonNode answer = job.client().reportStep(planId, "row-" + row, report);
      fresh += answer.path("alreadyDone").asBoolean() ? 0 : 1;
    }
    return fresh;
  }
}
