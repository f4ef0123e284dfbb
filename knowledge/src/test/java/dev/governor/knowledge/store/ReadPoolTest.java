package dev.governor.knowledge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's read connections, on a real H2 file. */
class ReadPoolTest {

  @TempDir Path dataDir;
  String url;
  Connection owner;
  ReadPool pool;

  @BeforeEach
  void open() throws SQLException {
    url = "jdbc:h2:file:" + dataDir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE";
    owner = DriverManager.getConnection(url, "sa", "");
    try (Statement statement = owner.createStatement()) {
      statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
      statement.execute("INSERT INTO t VALUES (1)");
    }
    pool = ReadPool.create(url, "sa", "", 2);
  }

  @AfterEach
  void close() throws SQLException {
    pool.dispose();
    owner.close();
  }

  @Test
  @DisplayName("a connection given back is lent again: the same session, so its query cache")
  void reusesSessions() throws SQLException {
    Object first;
    try (Connection connection = pool.getConnection()) {
      first = connection.unwrap(JdbcConnection.class).getSession();
      assertThat(count(connection)).isEqualTo(1);
    }
    try (Connection connection = pool.getConnection()) {
      assertThat(connection.unwrap(JdbcConnection.class).getSession()).isSameAs(first);
    }
  }

  @Test
  @DisplayName("a loan is unusable once given back, and one left in a transaction is reset")
  void resetsLoans() throws SQLException {
    Connection loan = pool.getConnection();
    loan.setAutoCommit(false);
    loan.close();
    assertThat(loan.isClosed()).isTrue();
    assertThatThrownBy(loan::createStatement).isInstanceOf(SQLException.class);
    // Still a plain object once given back: it can be compared, hashed and printed.
    assertThat(loan).isEqualTo(loan).hasSameHashCodeAs(loan);
    assertThat(loan.toString()).startsWith("read loan of ");
    try (Connection again = pool.getConnection()) {
      assertThat(again.getAutoCommit()).isTrue();
    }
  }

  @Test
  @DisplayName("two loans at once get two sessions; a disposed pool lends nothing")
  void lendsUpToItsSizeThenCloses() throws SQLException {
    try (Connection one = pool.getConnection();
        Connection two = pool.getConnection()) {
      assertThat(one.unwrap(JdbcConnection.class).getSession())
          .isNotSameAs(two.unwrap(JdbcConnection.class).getSession());
    }
    pool.dispose();
    assertThatThrownBy(pool::getConnection).isInstanceOf(SQLException.class);
  }

  private static int count(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM t")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
