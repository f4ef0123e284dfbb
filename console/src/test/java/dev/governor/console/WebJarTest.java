package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Browser libraries come from WebJars in the jar, under the console's security headers. */
class WebJarTest {

  @RegisterExtension final RunningGovernor governor = new RunningGovernor("gvo_webjar-admin");

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  @DisplayName("CodeMirror is served as JavaScript with the console's Content-Security-Policy")
  void codeMirrorServed() throws Exception {
    String base = "/webjars/codemirror/" + codeMirrorVersion() + "/";

    HttpResponse<String> script = get(base + "lib/codemirror.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type")).get().asString().contains("javascript");
    assertThat(script.body()).contains("CodeMirror");
    assertThat(script.headers().firstValue("content-security-policy"))
        .get()
        .asString()
        .contains("default-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(script.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(get(base + "addon/mode/simple.js").statusCode()).isEqualTo(200);
    assertThat(get(base + "lib/codemirror.css").headers().firstValue("content-type"))
        .get()
        .asString()
        .contains("text/css");
  }

  @Test
  @DisplayName("The rule editor asks for the CodeMirror version the jar holds")
  void editorAsksForTheServedVersion() throws Exception {
    String editor = resource("webroot/js/rule-editor.js");
    Matcher path = Pattern.compile("'(/webjars/codemirror/[^']+/)'").matcher(editor);
    assertThat(path.find()).as("rule-editor.js names its CodeMirror path").isTrue();

    assertThat(path.group(1)).isEqualTo("/webjars/codemirror/" + codeMirrorVersion() + "/");
    assertThat(get(path.group(1) + "lib/codemirror.js").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("An unknown WebJar path answers 404")
  void unknownPath() throws Exception {
    assertThat(get("/webjars/codemirror/" + codeMirrorVersion() + "/lib/nothing.js").statusCode())
        .isEqualTo(404);
    assertThat(get("/webjars/no-such-library/1.0/x.js").statusCode()).isEqualTo(404);
    assertThat(get("/webjars/../openapi.json").statusCode()).isNotEqualTo(200);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(governor.http().base() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String codeMirrorVersion() throws IOException {
    Properties pom = new Properties();
    try (InputStream in =
        WebJarTest.class.getResourceAsStream(
            "/META-INF/maven/org.webjars.npm/codemirror/pom.properties")) {
      pom.load(in);
    }
    return pom.getProperty("version");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = WebJarTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
