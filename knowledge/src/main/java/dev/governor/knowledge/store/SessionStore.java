package dev.governor.knowledge.store;

import dev.governor.knowledge.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Console sign-ins, kept so that they outlive a restart. Sign-ins and sign-outs are audited under
 * the operator's name; the session's id is never stored, only its hash.
 */
public final class SessionStore {

  /** A stored sign-in. */
  public record StoredSession(
      String idHash, String operator, boolean builtIn, String csrfToken, Instant expiresAt) {}

  private final KnowledgeStore store;

  SessionStore(KnowledgeStore store) {
    this.store = store;
  }

  public CompletableFuture<Void> open(StoredSession session, Instant at) {
    return store.submit(
        tx -> {
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO console_sessions (id_hash, operator, built_in, csrf_token,"
                          + " expires_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, session.idHash());
            insert.setString(2, session.operator());
            insert.setBoolean(3, session.builtIn());
            insert.setString(4, session.csrfToken());
            insert.setLong(5, session.expiresAt().toEpochMilli());
            insert.executeUpdate();
          }
          tx.audit(
              at,
              "operator.signed_in",
              "operator:" + session.operator(),
              "operator:" + session.operator(),
              Json.write(Map.of("expiresAt", session.expiresAt().toString())));
          return null;
        });
  }

  /** Ends a sign-in; true when there was one to end. */
  public CompletableFuture<Boolean> close(String idHash, Instant at) {
    return store.submit(
        tx -> {
          String operator = null;
          try (PreparedStatement select =
              tx.connection()
                  .prepareStatement("SELECT operator FROM console_sessions WHERE id_hash = ?")) {
            select.setString(1, idHash);
            try (ResultSet rows = select.executeQuery()) {
              if (rows.next()) {
                operator = rows.getString(1);
              }
            }
          }
          if (operator == null) {
            return false;
          }
          try (PreparedStatement delete =
              tx.connection().prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
            delete.setString(1, idHash);
            delete.executeUpdate();
          }
          tx.audit(at, "operator.signed_out", "operator:" + operator, "operator:" + operator, "{}");
          return true;
        });
  }

  /** Forgets sign-ins that have expired; not audited, as nobody did anything. */
  public CompletableFuture<Integer> purge(Instant now) {
    return store.submit(
        tx -> {
          try (PreparedStatement delete =
              tx.connection()
                  .prepareStatement("DELETE FROM console_sessions WHERE expires_at <= ?")) {
            delete.setLong(1, now.toEpochMilli());
            return delete.executeUpdate();
          }
        });
  }

  /** The sign-ins still valid now. */
  public List<StoredSession> active(Instant now) {
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement("SELECT * FROM console_sessions WHERE expires_at > ?")) {
      select.setLong(1, now.toEpochMilli());
      try (ResultSet rows = select.executeQuery()) {
        List<StoredSession> sessions = new ArrayList<>();
        while (rows.next()) {
          sessions.add(
              new StoredSession(
                  rows.getString("id_hash"),
                  rows.getString("operator"),
                  rows.getBoolean("built_in"),
                  rows.getString("csrf_token"),
                  Instant.ofEpochMilli(rows.getLong("expires_at"))));
        }
        return sessions;
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }
}
