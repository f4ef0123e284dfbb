package dev.governor.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.PhaseExit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The phase paths of tasks, by classification: configuration, not code. The built-in file is {@code
 * dev/governor/monitor/phases.json}; the setting {@code phasesFile} names another.
 */
final class PhasePaths {

  static final String DEFAULT_CLASSIFICATION = "default";
  private static final String BUILT_IN = "dev/governor/monitor/phases.json";

  /** One classification's path and the exit condition of each phase but the last. */
  record PhasePath(List<String> phases, Map<String, PhaseExit> exits) {}

  private final Map<String, PhasePath> byClassification;

  private PhasePaths(Map<String, PhasePath> byClassification) {
    this.byClassification = byClassification;
  }

  /** Reads and checks the file (or the built-in one when {@code file} is blank). */
  static PhasePaths load(String file, Predicate<String> knownEvidence) {
    String text;
    String source = file == null || file.isBlank() ? BUILT_IN : file;
    try {
      if (source.equals(BUILT_IN)) {
        try (InputStream in = PhasePaths.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
          text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
      } else {
        text = Files.readString(Path.of(source));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the phase paths in " + source, e);
    }
    return parse(text, source, knownEvidence);
  }

  static PhasePaths parse(String text, String source, Predicate<String> knownEvidence) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not JSON: " + e.getMessage(), e);
    }
    Map<String, PhasePath> paths = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("classifications").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      List<String> phases =
          Json.MAPPER.convertValue(
              entry.getValue().path("phases"),
              Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
      if (phases == null || phases.size() < 2 || new HashSet<>(phases).size() != phases.size()) {
        throw invalid(source, name, "needs at least two phases, each named once");
      }
      Map<String, PhaseExit> exits = new LinkedHashMap<>();
      JsonNode exitNodes = entry.getValue().path("exits");
      for (Iterator<String> names = exitNodes.fieldNames(); names.hasNext(); ) {
        String phase = names.next();
        if (!phases.subList(0, phases.size() - 1).contains(phase)) {
          throw invalid(source, name, "has an exit for \"" + phase + "\", not a phase it leaves");
        }
        PhaseExit exit = Json.MAPPER.convertValue(exitNodes.get(phase), PhaseExit.class);
        for (String kind : exit.evidence()) {
          if (!knownEvidence.test(kind)) {
            throw invalid(
                source, name, "asks for evidence \"" + kind + "\", which nothing verifies");
          }
        }
        if (exit.condition().isBlank()) {
          throw invalid(source, name, "names no condition for leaving \"" + phase + "\"");
        }
        exits.put(phase, exit);
      }
      for (String phase : phases.subList(0, phases.size() - 1)) {
        if (!exits.containsKey(phase)) {
          throw invalid(source, name, "has no exit condition for phase \"" + phase + "\"");
        }
      }
      paths.put(name, new PhasePath(List.copyOf(phases), Map.copyOf(exits)));
    }
    if (!paths.containsKey(DEFAULT_CLASSIFICATION)) {
      throw new IllegalArgumentException(
          source + " has no \"" + DEFAULT_CLASSIFICATION + "\" classification");
    }
    return new PhasePaths(paths);
  }

  PhasePath path(String classification) {
    return byClassification.get(classification);
  }

  Set<String> classifications() {
    return byClassification.keySet();
  }

  private static IllegalArgumentException invalid(String source, String name, String problem) {
    return new IllegalArgumentException(
        "classification \"" + name + "\" in " + source + " " + problem);
  }
}
