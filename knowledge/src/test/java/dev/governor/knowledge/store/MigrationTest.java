package dev.governor.knowledge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.knowledge.model.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by an older version opens under the current schema with its data intact. */
class MigrationTest {

  @TempDir Path dataDir;

  private String url() {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("governor")
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  @Test
  @DisplayName(
      "V12 keeps a V11 store's plans, decisions and leases, drops the three indexes, and the"
          + " remaining keys still hold")
  void v12OnAV11Store() throws SQLException {
    Flyway.configure()
        .dataSource(url(), "governor", "")
        .locations("classpath:db/migration")
        .target("11")
        .load()
        .migrate();
    try (Connection connection = DriverManager.getConnection(url(), "governor", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO agents (id, name, owner, environment, grants, budgets, labels, token_hash,"
              + " registered_at) VALUES ('a', 'a', 'team', 'staging', '[]', '{}', '{}', 'h', 1)");
      statement.execute(
          "INSERT INTO plans (id, agent_id, idempotency_key, body, received_at) VALUES"
              + " ('p', 'a', 'k', '{\"id\":\"p\",\"agentId\":\"a\",\"steps\":[],"
              + "\"receivedAt\":\"1970-01-01T00:00:00.001Z\"}', 1)");
      statement.execute(
          "INSERT INTO decisions (plan_id, agent_id, verdict, body, rule_set_version, decided_by,"
              + " audit_seq, decided_at, rules_verdict) VALUES ('p', 'a', 'APPROVED',"
              + " '{\"planId\":\"p\",\"agentId\":\"a\",\"verdict\":\"APPROVED\",\"steps\":[],"
              + "\"findings\":[],\"ruleSetVersion\":1,\"decidedBy\":\"rules\","
              + "\"decidedAt\":\"1970-01-01T00:00:00.002Z\"}', 1, 'rules', 0, 2, 'APPROVED')");
      statement.execute(
          "INSERT INTO leases (fencing_token, resource, agent_id, plan_id, step_id, acquired_at,"
              + " expires_at) VALUES (1, '/repo', 'a', 'p', 's', 1, 9999999999999)");
    }

    KnowledgeStore store = KnowledgeStore.openH2(dataDir);
    try {
      assertThat(store.plan("p")).isPresent();
      assertThat(store.decision("p"))
          .get()
          .extracting(d -> d.verdict())
          .isEqualTo(Verdict.APPROVED);
      assertThat(store.leases().active(java.time.Instant.ofEpochMilli(2)))
          .singleElement()
          .extracting(lease -> lease.planId())
          .isEqualTo("p");
    } finally {
      store.close();
    }

    try (Connection connection = DriverManager.getConnection(url(), "governor", "");
        Statement statement = connection.createStatement()) {
      assertThat(indexes(connection)).doesNotContain("PLANS_AGENT", "LEASES_STEP");
      assertThat(indexedColumns(connection, "DECISIONS")).containsExactly("PLAN_ID");
      // The keys that stay: a plan's agent and a lease's plan must exist.
      assertThatThrownBy(
              () ->
                  statement.execute(
                      "INSERT INTO plans (id, agent_id, body, received_at) VALUES"
                          + " ('q', 'nobody', '{}', 1)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("PLANS");
      assertThatThrownBy(
              () ->
                  statement.execute(
                      "INSERT INTO leases (fencing_token, resource, agent_id, plan_id, step_id,"
                          + " acquired_at, expires_at) VALUES (2, '/x', 'a', 'nowhere', 's', 1,"
                          + " 2)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("LEASES");
    }
  }

  private static List<String> indexes(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rows =
        connection
            .createStatement()
            .executeQuery(
                "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  private static List<String> indexedColumns(Connection connection, String table)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rows =
        connection
            .createStatement()
            .executeQuery(
                "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_SCHEMA ="
                    + " 'PUBLIC' AND TABLE_NAME = '"
                    + table
                    + "'")) {
      while (rows.next()) {
        columns.add(rows.getString(1));
      }
    }
    return columns;
  }
}
