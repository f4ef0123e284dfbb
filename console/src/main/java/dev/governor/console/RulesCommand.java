package dev.governor.console;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.governor.knowledge.Json;
import dev.governor.knowledge.model.RuleTestCase;
import dev.governor.knowledge.model.RuleTestResult;
import dev.governor.rules.CompiledRuleSet;
import dev.governor.rules.RuleCompilationException;
import dev.governor.rules.RuleCompiler;
import dev.governor.rules.RuleError;
import dev.governor.rules.RuleTests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Checking rules outside a running Governor, so they can live in a team's own repository and be
 * checked in its CI: {@code validate} compiles DRL files, {@code test} also runs the test cases in
 * {@code *.tests.json} files beside them. Exit code 0 means all good.
 */
final class RulesCommand {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int UNUSABLE = 2;

  private final PrintWriter out;
  private final PrintWriter err;

  RulesCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  int validate(Path fileOrDir) {
    Map<String, String> files = drlFiles(fileOrDir);
    if (files == null) {
      return UNUSABLE;
    }
    try (CompiledRuleSet compiled = RuleCompiler.compile(0, files)) {
      out.println("ok: " + files.size() + " file(s) compile: " + String.join(", ", files.keySet()));
      return OK;
    } catch (RuleCompilationException invalid) {
      report(invalid.errors());
      return FAILED;
    }
  }

  int test(Path dir) {
    Map<String, String> files = drlFiles(dir);
    if (files == null) {
      return UNUSABLE;
    }
    List<RuleTestCase> cases;
    try {
      cases = testCases(dir);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      err.println("error: cannot read the test cases: " + e.getMessage());
      return UNUSABLE;
    }
    if (cases.isEmpty()) {
      err.println(
          "error: no test cases in " + dir + " (files named *.tests.json, each a JSON array)");
      return UNUSABLE;
    }
    try (CompiledRuleSet compiled = RuleCompiler.compile(0, files)) {
      List<RuleTestResult> results = RuleTests.run(compiled, cases);
      long failed = results.stream().filter(r -> !r.ok()).count();
      for (RuleTestResult result : results) {
        out.println(
            (result.ok() ? "PASS " : "FAIL ")
                + result.name()
                + (result.ok() ? "" : ": " + result.message()));
      }
      out.println((results.size() - failed) + " passed, " + failed + " failed");
      return failed == 0 ? OK : FAILED;
    } catch (RuleCompilationException invalid) {
      report(invalid.errors());
      return FAILED;
    }
  }

  private void report(List<RuleError> errors) {
    for (RuleError error : errors) {
      err.println(
          error.file() + ":" + error.line() + ":" + error.column() + ": " + error.message());
    }
    err.println(errors.size() + " error(s)");
  }

  private Map<String, String> drlFiles(Path fileOrDir) {
    Map<String, String> files = new TreeMap<>();
    try {
      List<Path> paths;
      if (Files.isDirectory(fileOrDir)) {
        try (Stream<Path> walk = Files.walk(fileOrDir)) {
          paths = walk.filter(p -> p.toString().endsWith(".drl")).sorted().toList();
        }
      } else if (Files.isRegularFile(fileOrDir)) {
        paths = List.of(fileOrDir);
      } else {
        err.println("error: " + fileOrDir + " is neither a file nor a folder");
        return null;
      }
      for (Path path : paths) {
        String name = path.getFileName().toString();
        if (files.put(name, Files.readString(path)) != null) {
          err.println(
              "error: two files are named " + name + "; a rule set's file names are unique");
          return null;
        }
      }
    } catch (IOException e) {
      err.println("error: cannot read " + fileOrDir + ": " + e.getMessage());
      return null;
    }
    if (files.isEmpty()) {
      err.println("error: no .drl files in " + fileOrDir);
      return null;
    }
    return files;
  }

  private static List<RuleTestCase> testCases(Path dir) {
    List<RuleTestCase> cases = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.filter(p -> p.toString().endsWith(".tests.json")).sorted().toList()) {
        cases.addAll(
            Json.MAPPER.readValue(path.toFile(), new TypeReference<List<RuleTestCase>>() {}));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }
}
