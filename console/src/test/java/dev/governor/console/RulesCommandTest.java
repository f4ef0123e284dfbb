package dev.governor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.rules.DefaultLibrary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code governor validate} and {@code governor test}, as a team's CI would run them. */
class RulesCommandTest {

  @TempDir Path rules;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @Test
  @DisplayName(
      "validate exits 0 for the default library and 1 with file:line:column for a broken file")
  void validate() throws Exception {
    writeDefaultLibrary();
    assertThat(run("validate", rules.toString())).isZero();
    assertThat(out.toString()).contains("8 file(s) compile");

    Files.writeString(rules.resolve("broken.drl"), RuleSetApiTest.BROKEN_RULE);
    assertThat(run("validate", rules.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("broken.drl:7:");
  }

  @Test
  @DisplayName("test runs the *.tests.json cases, prints a line each, and exits 1 if any fails")
  void test() throws Exception {
    writeDefaultLibrary();
    Files.writeString(
        rules.resolve("library.tests.json"),
        dev.governor.knowledge.Json.write(DefaultLibrary.tests()));
    assertThat(run("test", rules.toString())).isZero();
    assertThat(out.toString())
        .contains("PASS env.delete in production is denied")
        .contains(" 0 failed");

    Files.writeString(
        rules.resolve("wrong.tests.json"),
        """
        [{"name": "reads are denied (wrong)",
          "agent": {"environment": "sandbox"},
          "plan": {"steps": [{"id": "s1", "action": "fs.read", "target": "/a"}]},
          "expect": {"verdict": "DENIED"}}]
        """);
    assertThat(run("test", rules.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL reads are denied (wrong): expected DENIED but got APPROVED");
  }

  @Test
  @DisplayName("A missing folder or a folder without rules is a usage error, exit 2")
  void unusable() {
    assertThat(run("validate", rules.resolve("nope").toString())).isEqualTo(2);
    assertThat(run("test", rules.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no .drl files");
  }

  private void writeDefaultLibrary() throws Exception {
    for (Map.Entry<String, String> file : DefaultLibrary.files().entrySet()) {
      Files.writeString(rules.resolve(file.getKey()), file.getValue());
    }
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new Governor.Cli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
