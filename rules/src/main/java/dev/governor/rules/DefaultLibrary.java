package dev.governor.rules;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.RuleTestCase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The DRL files Governor ships and activates as version 1 on a new store. */
public final class DefaultLibrary {

  private static final String FOLDER = "/dev/governor/rules/library/";
  private static final String[] FILES = {
    "destruction.drl",
    "grants.drl",
    "provenance.drl",
    "budgets.drl",
    "reads.drl",
    "tasks.drl",
    "leases.drl",
    "sandbox.drl"
  };

  private DefaultLibrary() {}

  /** The library's own test cases: each rule fires where it should and not where it should not. */
  public static List<RuleTestCase> tests() {
    try (InputStream in = DefaultLibrary.class.getResourceAsStream(FOLDER + "tests.json")) {
      if (in == null) {
        throw new IllegalStateException("the default library's tests.json is missing from the jar");
      }
      return Json.MAPPER.readValue(in, new TypeReference<List<RuleTestCase>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : FILES) {
      try (InputStream in = DefaultLibrary.class.getResourceAsStream(FOLDER + name)) {
        if (in == null) {
          throw new IllegalStateException("the default rule " + name + " is missing from the jar");
        }
        files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }
}
