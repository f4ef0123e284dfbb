package dev.governor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Errors point at the place an author must fix: the file, the line and the column. */
class RuleCompilerTest {

  private static final String HEADER =
      """
      package governor.policy.example

      import dev.governor.rules.model.Step
      import dev.governor.rules.model.Finding

      """;

  private static String rule(String pattern) {
    return HEADER
        + """
        rule "An example"
        when
            %s
        then
            insert( Finding.approve( drools.getRule().getName(), $step, "example" ) );
        end
        """
            .formatted(pattern);
  }

  @Test
  @DisplayName("A syntax error on line 8 of a file is reported on line 8 of that file")
  void syntaxErrorLine() {
    List<RuleError> errors =
        errorsOf(
            Map.of(
                "fine.drl",
                rule("$step : Step( effect == \"read\" )"),
                "broken.drl",
                rule("$step : Step( effect == )")));

    assertThat(errors).isNotEmpty();
    assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo("broken.drl"));
    RuleError first = errors.get(0);
    assertThat(first.line()).isEqualTo(8);
    assertThat(first.column()).as("the ')' where a value should be").isEqualTo(29);
  }

  @Test
  @DisplayName("An unknown field on line 8 is reported on line 8, not on the rule's first line")
  void unknownFieldLine() {
    List<RuleError> errors =
        errorsOf(Map.of("typo.drl", rule("$step : Step( colour == \"red\" )")));

    assertThat(errors).isNotEmpty();
    assertThat(errors.get(0).file()).isEqualTo("typo.drl");
    assertThat(errors.get(0).line()).isEqualTo(8);
  }

  @Test
  @DisplayName("A broken consequence is reported on its rule's line, the most Drools tells")
  void consequenceLine() {
    String text =
        HEADER
            + """
            rule "An example"
            when
                $step : Step( effect == "read" )
            then
                insert( Finding.approve( drools.getRule().getName(), $step, "example" ) )
                insert( Finding.nothing( $step ) );
            end
            """;
    List<RuleError> errors = errorsOf(Map.of("then.drl", text));

    assertThat(errors).isNotEmpty();
    assertThat(errors).extracting(RuleError::line).containsOnly(6);
    assertThat(errors.get(0).message()).contains("nothing(Step) is undefined");
  }

  private static List<RuleError> errorsOf(Map<String, String> files) {
    RuleCompilationException failure =
        catchThrowableOfType(
            RuleCompilationException.class,
            () -> RuleCompiler.compile(0, new LinkedHashMap<>(files)).close());
    assertThat(failure).as("the files should not compile").isNotNull();
    return failure.errors();
  }
}
