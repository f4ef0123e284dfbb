package dev.governor.knowledge.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Every review wrote three index entries that no read needed, about an eighth of the store's work
 * per review (measured with the bench's store-only load). H2 gives each foreign key an index on
 * exactly its columns, so an index that starts with the same column does not stand in for it.
 *
 * <ul>
 *   <li>{@code plans_agent} (agent, time) goes: every read by agent is an equality, which the index
 *       of the plans' key to their agent serves.
 *   <li>{@code leases_step} (plan, step) goes: the index of the leases' key to their plan finds a
 *       plan's few leases, and the step is picked among them.
 *   <li>{@code decisions.agent_id} loses its key to {@code agents}, and that key's index: a
 *       decision's agent is its plan's, which the plan's own key already holds to an agent.
 * </ul>
 *
 * <p>A Java migration because the decision's key was given a generated name.
 */
final class V12__Indexes_a_review_does_not_need extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP INDEX plans_agent");
      statement.execute("DROP INDEX leases_step");
      for (String name : foreignKeys(connection, "decisions", "agent_id")) {
        statement.execute("ALTER TABLE decisions DROP CONSTRAINT \"" + name + "\"");
      }
    }
  }

  /** The names of the foreign keys declared on one column of a table. */
  private static List<String> foreignKeys(Connection connection, String table, String column)
      throws SQLException {
    DatabaseMetaData metaData = connection.getMetaData();
    String storedTable = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase() : table;
    List<String> names = new ArrayList<>();
    try (ResultSet keys =
        metaData.getImportedKeys(connection.getCatalog(), connection.getSchema(), storedTable)) {
      while (keys.next()) {
        if (keys.getString("FKCOLUMN_NAME").equalsIgnoreCase(column)) {
          names.add(keys.getString("FK_NAME"));
        }
      }
    }
    return names;
  }
}
