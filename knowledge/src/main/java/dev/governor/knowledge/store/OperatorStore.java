package dev.governor.knowledge.store;

import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.Operator;
import dev.governor.knowledge.model.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The people (and scripts) who operate Governor: their roles, the hash of their password for
 * signing in to the console, and the hash of their API token. Hashes are made by the caller; the
 * store never sees a password or a token. Every change is audited; nothing here is ever deleted.
 */
public final class OperatorStore {

  /** An operator as an administrator sees it: never a hash. */
  public record Account(
      String name, Set<Role> roles, boolean hasPassword, boolean disabled, Instant createdAt) {
    public Account {
      roles = Set.copyOf(roles);
    }
  }

  /** What signing in checks: the operator, and its password hash if it has one. */
  public record Credentials(Operator operator, Optional<String> passwordHash) {}

  private final KnowledgeStore store;

  OperatorStore(KnowledgeStore store) {
    this.store = store;
  }

  /** Creates an operator; a name already taken, even by a disabled operator, is a conflict. */
  public CompletableFuture<Account> create(
      String name,
      Set<Role> roles,
      String passwordHash,
      String tokenHash,
      String actor,
      Instant at) {
    return store.submit(
        tx -> {
          if (find(tx.connection(), name).isPresent()) {
            throw new KnowledgeException(
                KnowledgeException.Kind.CONFLICT, "an operator named \"" + name + "\" exists");
          }
          try (PreparedStatement insert =
              tx.connection()
                  .prepareStatement(
                      "INSERT INTO operators (name, roles, token_hash, created_at, password_hash)"
                          + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, name);
            insert.setString(2, roleList(roles));
            insert.setString(3, tokenHash);
            insert.setLong(4, at.toEpochMilli());
            insert.setString(5, passwordHash);
            insert.executeUpdate();
          }
          Account account = find(tx.connection(), name).orElseThrow();
          tx.audit(at, "operator.created", actor, "operator:" + name, Json.write(view(account)));
          return account;
        });
  }

  /**
   * Changes an operator's roles, password or both ({@code null} leaves one as it is). Disabling is
   * separate: see {@link #disable}.
   */
  public CompletableFuture<Account> update(
      String name, Set<Role> roles, String passwordHash, String actor, Instant at) {
    return store.submit(
        tx -> {
          Account before = existing(tx.connection(), name);
          try (PreparedStatement update =
              tx.connection()
                  .prepareStatement(
                      "UPDATE operators SET roles = COALESCE(?, roles),"
                          + " password_hash = COALESCE(?, password_hash) WHERE name = ?")) {
            update.setString(1, roles == null ? null : roleList(roles));
            update.setString(2, passwordHash);
            update.setString(3, name);
            update.executeUpdate();
          }
          Account after = find(tx.connection(), name).orElseThrow();
          Map<String, Object> change = new LinkedHashMap<>();
          if (roles != null) {
            change.put("rolesBefore", sorted(before.roles()));
            change.put("roles", sorted(after.roles()));
          }
          if (passwordHash != null) {
            change.put("password", "changed");
          }
          tx.audit(at, "operator.changed", actor, "operator:" + name, Json.write(change));
          return after;
        });
  }

  /** Disables an operator: its token and password stop working at once. */
  public CompletableFuture<Account> disable(String name, String actor, Instant at) {
    return store.submit(
        tx -> {
          existing(tx.connection(), name);
          try (PreparedStatement update =
              tx.connection()
                  .prepareStatement("UPDATE operators SET disabled = TRUE WHERE name = ?")) {
            update.setString(1, name);
            update.executeUpdate();
          }
          tx.audit(at, "operator.disabled", actor, "operator:" + name, "{}");
          return find(tx.connection(), name).orElseThrow();
        });
  }

  /** Every operator, by name. */
  public List<Account> list() {
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement("SELECT * FROM operators ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      List<Account> accounts = new ArrayList<>();
      while (rows.next()) {
        accounts.add(account(rows));
      }
      return accounts;
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** The credentials of an enabled operator. */
  public Optional<Credentials> credentials(String name) {
    try (Connection connection = store.reader();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT * FROM operators WHERE name = ? AND disabled = FALSE")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Credentials(
                new Operator(rows.getString("name"), roles(rows.getString("roles"))),
                Optional.ofNullable(rows.getString("password_hash"))));
      }
    } catch (SQLException e) {
      throw KnowledgeStore.unavailable(e);
    }
  }

  /** An operator as the console shows it, and as its audit entries record it. */
  public static Map<String, Object> view(Account account) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", account.name());
    view.put("roles", sorted(account.roles()));
    view.put("hasPassword", account.hasPassword());
    view.put("disabled", account.disabled());
    view.put("createdAt", account.createdAt().toString());
    return view;
  }

  private static Account existing(Connection connection, String name) throws SQLException {
    return find(connection, name)
        .orElseThrow(
            () ->
                new KnowledgeException(
                    KnowledgeException.Kind.NOT_FOUND, "no operator named \"" + name + "\""));
  }

  private static Optional<Account> find(Connection connection, String name) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT * FROM operators WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(account(rows)) : Optional.empty();
      }
    }
  }

  private static Account account(ResultSet rows) throws SQLException {
    return new Account(
        rows.getString("name"),
        roles(rows.getString("roles")),
        rows.getString("password_hash") != null,
        rows.getBoolean("disabled"),
        Instant.ofEpochMilli(rows.getLong("created_at")));
  }

  private static Set<Role> roles(String list) {
    if (list == null || list.isBlank()) {
      return EnumSet.noneOf(Role.class);
    }
    return Arrays.stream(list.split(","))
        .map(Role::valueOf)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)));
  }

  private static String roleList(Set<Role> roles) {
    return roles.stream().map(Role::name).sorted().collect(Collectors.joining(","));
  }

  private static List<String> sorted(Set<Role> roles) {
    return roles.stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList();
  }
}
