package dev.governor.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PhasePathsTest {

  static final Set<String> KINDS = Set.of("test-report", "scan");

  @Test
  @DisplayName("The built-in paths: default, security (with a scan phase) and chore (shorter)")
  void builtIn() {
    PhasePaths paths = PhasePaths.load("", KINDS::contains);

    assertThat(paths.path("default").phases())
        .containsExactly("plan", "implement", "review", "done");
    assertThat(paths.path("security").exits().get("scan").evidence()).containsExactly("scan");
    assertThat(paths.path("chore").phases()).containsExactly("implement", "done");
  }

  @Test
  @DisplayName("A path with a phase and no exit condition, or unverifiable evidence, is refused")
  void badPaths() {
    assertThatThrownBy(
            () ->
                PhasePaths.parse(
                    "{\"classifications\":{\"default\":{\"phases\":[\"a\",\"b\",\"c\"],"
                        + "\"exits\":{\"a\":{\"condition\":\"x\",\"approvedPlan\":true}}}}}",
                    "test",
                    KINDS::contains))
        .hasMessageContaining("no exit condition for phase \"b\"");
    assertThatThrownBy(
            () ->
                PhasePaths.parse(
                    "{\"classifications\":{\"default\":{\"phases\":[\"a\",\"b\"],"
                        + "\"exits\":{\"a\":{\"condition\":\"x\",\"evidence\":[\"vibes\"]}}}}}",
                    "test",
                    KINDS::contains))
        .hasMessageContaining("nothing verifies");
  }
}
