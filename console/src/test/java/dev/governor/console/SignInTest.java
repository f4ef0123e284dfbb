package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Operators and console sign-in over real HTTP: passwords, the session cookie, the CSRF token that
 * cookie-signed requests must echo, roles, and disabling.
 */
class SignInTest {

  private static final String ADMIN = "gvo_test-admin-token-for-sign-in";
  private static final String PASSWORD = "correct horse battery staple";

  @RegisterExtension final RunningGovernor governor = new RunningGovernor(ADMIN);

  /** A browser-like client: raw requests with one session cookie, kept by hand to inspect it. */
  private final class Browser {
    private final HttpClient client = HttpClient.newHttpClient();
    String cookie;
    String csrf;
    HttpResponse<String> last;

    int signIn(JsonObject credentials) throws Exception {
      last = send("POST", "/api/v1/session", credentials.encode(), null);
      if (last.statusCode() == 200) {
        String setCookie = last.headers().firstValue("set-cookie").orElseThrow();
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
        csrf = new JsonObject(last.body()).getString("csrfToken");
      }
      return last.statusCode();
    }

    JsonObject get(String path) throws Exception {
      last = send("GET", path, null, null);
      return json();
    }

    int post(String path, JsonObject body, String csrfHeader) throws Exception {
      last = send("POST", path, body == null ? null : body.encode(), csrfHeader);
      return last.statusCode();
    }

    int delete(String path, String csrfHeader) throws Exception {
      last = send("DELETE", path, null, csrfHeader);
      return last.statusCode();
    }

    JsonObject json() {
      return last.body().isBlank() ? new JsonObject() : new JsonObject(last.body());
    }

    private HttpResponse<String> send(String method, String path, String body, String csrfHeader)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base() + path))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("content-type", "application/json");
      }
      if (cookie != null) {
        request.header("Cookie", cookie);
      }
      if (csrfHeader != null) {
        request.header("X-CSRF-Token", csrfHeader);
      }
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void anAdminCreatesAnOperatorWhoSignsInWithAPasswordAndGetsAnHttpOnlyStrictCookie()
      throws Exception {
    Http.Reply created = createOperator("ana", PASSWORD, "approver");
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    assertThat(created.json().getString("token")).startsWith("gvo_");
    assertThat(created.json().getBoolean("hasPassword")).isTrue();

    Browser browser = new Browser();
    assertThat(browser.signIn(new JsonObject().put("name", "ana").put("password", PASSWORD)))
        .isEqualTo(200);
    String setCookie = browser.last.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("governor_session=")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .containsIgnoringCase("Path=/");
    assertThat(browser.json().getJsonArray("roles")).containsExactly("approver");

    JsonObject me = browser.get("/api/v1/whoami");
    assertThat(me.getString("name")).isEqualTo("ana");
    assertThat(me.getJsonArray("roles")).containsExactly("approver");
    assertThat(browser.get("/api/v1/session").getString("csrfToken")).isEqualTo(browser.csrf);

    // The operator's API token works too, for scripts.
    String token = created.json().getString("token");
    assertThat(governor.http().get("/api/v1/whoami", token).json().getString("name"))
        .isEqualTo("ana");

    JsonArray audit =
        governor
            .http()
            .get("/api/v1/audit?after=0&limit=1000", ADMIN)
            .json()
            .getJsonArray("entries");
    JsonObject creation =
        audit.stream()
            .map(JsonObject.class::cast)
            .filter(e -> e.getString("type").equals("operator.created"))
            .filter(e -> e.getString("subject").equals("operator:ana"))
            .findFirst()
            .orElseThrow();
    assertThat(creation.getString("actor")).isEqualTo("operator:admin");
    assertThat(creation.encode()).doesNotContain(PASSWORD).doesNotContain("argon2");
  }

  @Test
  void aWrongPasswordAndAnUnknownNameGetTheSameAnswerAndNoCookie() throws Exception {
    createOperator("ana", PASSWORD, "viewer");
    Browser browser = new Browser();
    assertThat(browser.signIn(new JsonObject().put("name", "ana").put("password", "wrong-pass")))
        .isEqualTo(401);
    JsonObject wrongPassword = browser.json();
    assertThat(browser.last.headers().firstValue("set-cookie")).isEmpty();
    assertThat(browser.signIn(new JsonObject().put("name", "bob").put("password", PASSWORD)))
        .isEqualTo(401);
    assertThat(browser.json()).isEqualTo(wrongPassword);
    assertThat(wrongPassword.getJsonObject("error").getString("code"))
        .isEqualTo("invalid_credentials");
    assertThat(browser.signIn(new JsonObject().put("name", "ana"))).isEqualTo(400);
    assertThat(browser.json().getJsonObject("error").getString("code")).isEqualTo("missing_field");
    assertThat(browser.signIn(new JsonObject())).isEqualTo(400);
  }

  @Test
  void changingRequestsSignedInByCookieMustEchoTheCsrfToken() throws Exception {
    Browser browser = new Browser();
    assertThat(browser.signIn(new JsonObject().put("token", ADMIN))).isEqualTo(200);
    JsonObject newOperator =
        new JsonObject().put("name", "eve").put("roles", new JsonArray().add("viewer"));

    assertThat(browser.post("/api/v1/operators", newOperator, null)).isEqualTo(403);
    assertThat(browser.json().getJsonObject("error").getString("code"))
        .isEqualTo("csrf_token_invalid");
    assertThat(browser.post("/api/v1/operators", newOperator, "csrf_forged")).isEqualTo(403);
    assertThat(operatorNames()).doesNotContain("eve");

    assertThat(browser.post("/api/v1/operators", newOperator, browser.csrf)).isEqualTo(201);
    assertThat(operatorNames()).contains("eve");

    // Reading needs no CSRF token; signing out does, and ends the session.
    assertThat(browser.get("/api/v1/whoami").getString("name")).isEqualTo("admin");
    assertThat(browser.delete("/api/v1/session", null)).isEqualTo(403);
    assertThat(browser.delete("/api/v1/session", browser.csrf)).isEqualTo(204);
    browser.get("/api/v1/whoami");
    assertThat(browser.last.statusCode()).isEqualTo(401);
  }

  @Test
  void aViewerCannotApproveAndAnApproverCan() throws Exception {
    createOperator("vic", PASSWORD, "viewer");
    createOperator("amy", PASSWORD, "approver");
    JsonObject agent =
        governor
            .http()
            .post(
                "/api/v1/agents",
                ADMIN,
                ReviewLoopTest.registration("deployer", "staging")
                    .put("grants", new JsonArray().add("env.*:**")))
            .json();
    Http.Reply review =
        governor
            .http()
            .post(
                ReviewLoopTest.plansOf(agent),
                agent.getString("token"),
                ReviewLoopTest.environmentDeletionPlan());
    String escalation = review.json().getString("escalationId");
    assertThat(escalation).isNotNull();
    JsonObject approve = new JsonObject().put("resolution", "approve").put("reason", "planned");

    Browser viewer = new Browser();
    viewer.signIn(new JsonObject().put("name", "vic").put("password", PASSWORD));
    assertThat(viewer.get("/api/v1/escalations?status=pending").getJsonArray("escalations"))
        .hasSize(1);
    assertThat(viewer.post("/api/v1/escalations/" + escalation + "/resolve", approve, viewer.csrf))
        .isEqualTo(403);
    assertThat(viewer.json().getJsonObject("error").getString("code")).isEqualTo("forbidden");

    Browser approver = new Browser();
    approver.signIn(new JsonObject().put("name", "amy").put("password", PASSWORD));
    assertThat(
            approver.post("/api/v1/escalations/" + escalation + "/resolve", approve, approver.csrf))
        .isEqualTo(200);
    assertThat(approver.json().getString("verdict")).isEqualTo("APPROVED");
  }

  @Test
  void changedRolesApplyAtOnceAndADisabledOperatorIsSignedOutEverywhere() throws Exception {
    String token = createOperator("ana", PASSWORD, "viewer").json().getString("token");
    Browser browser = new Browser();
    browser.signIn(new JsonObject().put("name", "ana").put("password", PASSWORD));

    Http.Reply changed =
        patch(
            "/api/v1/operators/ana", new JsonObject().put("roles", new JsonArray().add("author")));
    assertThat(changed.status()).as(changed.json().encode()).isEqualTo(200);
    assertThat(browser.get("/api/v1/whoami").getJsonArray("roles")).containsExactly("author");

    assertThat(governor.http().post("/api/v1/operators/ana/disable", ADMIN, "{}").status())
        .isEqualTo(200);
    browser.get("/api/v1/whoami");
    assertThat(browser.last.statusCode()).isEqualTo(401);
    assertThat(governor.http().get("/api/v1/whoami", token).status()).isEqualTo(401);
    assertThat(new Browser().signIn(new JsonObject().put("name", "ana").put("password", PASSWORD)))
        .isEqualTo(401);
  }

  @Test
  void badOperatorRequestsAreRefusedAndChangeNothing() throws Exception {
    createOperator("ana", PASSWORD, "approver");
    Browser approver = new Browser();
    approver.signIn(new JsonObject().put("name", "ana").put("password", PASSWORD));
    long entries = auditEntries();

    assertThat(createOperator("bob", "short", "viewer").errorCode()).isEqualTo("weak_password");
    assertThat(createOperator("bob", PASSWORD, "superuser").status()).isEqualTo(400);
    assertThat(createOperator("ana", PASSWORD, "viewer").status()).isEqualTo(409);
    assertThat(createOperator("no spaces allowed", PASSWORD, "viewer").status()).isEqualTo(400);
    assertThat(
            governor
                .http()
                .post(
                    "/api/v1/operators",
                    ADMIN,
                    new JsonObject().put("name", "bob").put("roles", new JsonArray()))
                .status())
        .isEqualTo(400);
    // An approver is not an administrator.
    assertThat(
            approver.post(
                "/api/v1/operators",
                new JsonObject().put("name", "bob").put("roles", new JsonArray().add("admin")),
                approver.csrf))
        .isEqualTo(403);
    assertThat(governor.http().post("/api/v1/operators/nobody/disable", ADMIN, "{}").status())
        .isEqualTo(404);
    assertThat(governor.http().post("/api/v1/operators/admin/disable", ADMIN, "{}").errorCode())
        .isEqualTo("cannot_disable_self");

    assertThat(createOperator("Admin", PASSWORD, "viewer").errorCode())
        .isEqualTo("operator_exists");
    assertThat(operatorNames()).containsExactly("ana");
    assertThat(auditEntries()).isEqualTo(entries);
  }

  @Test
  void aSignInSurvivesARestartAndSigningOutIsAudited() throws Exception {
    createOperator("ana", PASSWORD, "viewer");
    Browser browser = new Browser();
    assertThat(browser.signIn(new JsonObject().put("name", "ana").put("password", PASSWORD)))
        .isEqualTo(200);

    governor.restart();

    assertThat(browser.get("/api/v1/whoami").getString("name")).isEqualTo("ana");
    assertThat(browser.delete("/api/v1/session", browser.csrf)).isEqualTo(204);
    browser.get("/api/v1/whoami");
    assertThat(browser.last.statusCode()).isEqualTo(401);
    JsonArray audit =
        governor
            .http()
            .get("/api/v1/audit?after=0&limit=1000", ADMIN)
            .json()
            .getJsonArray("entries");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("type")))
        .contains("operator.signed_in", "operator.signed_out");
  }

  @Test
  void repeatedFailedSignInsForANameAreSlowedDown() throws Exception {
    createOperator("ana", PASSWORD, "viewer");
    Browser browser = new Browser();
    for (int i = 0; i < SessionApi.MAX_FAILURES; i++) {
      assertThat(browser.signIn(new JsonObject().put("name", "ana").put("password", "guess" + i)))
          .isEqualTo(401);
    }
    assertThat(browser.signIn(new JsonObject().put("name", "ana").put("password", PASSWORD)))
        .isEqualTo(429);
    assertThat(browser.json().getJsonObject("error").getString("code"))
        .isEqualTo("too_many_attempts");
  }

  // ---- helpers ----

  private Http.Reply createOperator(String name, String password, String role) {
    return governor
        .http()
        .post(
            "/api/v1/operators",
            ADMIN,
            new JsonObject()
                .put("name", name)
                .put("password", password)
                .put("roles", new JsonArray().add(role)));
  }

  private Http.Reply patch(String path, JsonObject body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + path))
                    .header("Authorization", "Bearer " + ADMIN)
                    .header("content-type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new Http.Reply(response.statusCode(), new JsonObject(response.body()));
  }

  private java.util.List<String> operatorNames() {
    return governor.http().get("/api/v1/operators", ADMIN).json().getJsonArray("operators").stream()
        .map(o -> ((JsonObject) o).getString("name"))
        .toList();
  }

  private long auditEntries() {
    return governor.http().get("/api/v1/audit/verify", ADMIN).json().getLong("entries");
  }

  private String base() {
    return governor.http().base();
  }
}
