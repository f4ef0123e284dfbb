package dev.governor.console;

import static dev.governor.console.TaskFixture.plan;
import static dev.governor.console.TaskFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With leaseConflict deny, another agent's write is denied; a lease ends when it expires. */
class LeaseExpiryTest {

  static final String ADMIN = "lease-expiry-admin";
  static final String RULE = "A write to a resource another agent holds a lease on is denied";

  @RegisterExtension
  final RunningGovernor governor =
      new RunningGovernor(ADMIN, Map.of("leaseConflict", "deny", "leaseTtlSeconds", 2L));

  final TaskFixture fixture = new TaskFixture(governor, ADMIN);

  @Test
  @DisplayName(
      "Configured to deny, a write under another agent's lease is denied naming the holder, and"
          + " goes through once the lease expires")
  void denyThenExpire() {
    JsonObject first = fixture.agent("first", "db.update:db:**");
    JsonObject second = fixture.agent("second", "db.update:db:**");
    assertThat(
            fixture
                .decided(first, plan(null, step("s1", "db.update", "db:orders")))
                .getString("verdict"))
        .isEqualTo("APPROVED");

    JsonObject denied = fixture.decided(second, plan(null, step("s1", "db.update", "db:orders")));

    assertThat(denied.getString("verdict")).isEqualTo("DENIED");
    assertThat(LeaseTest.finding(denied, RULE).getString("message"))
        .contains("leased by agent " + first.getString("id"));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                fixture
                    .decided(second, plan(null, step("s1", "db.update", "db:orders")))
                    .getString("verdict")
                    .equals("APPROVED"));
  }
}
