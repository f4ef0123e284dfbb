package dev.governor.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;

/**
 * Compiles DRL files into a {@link CompiledRuleSet}. Each build gets its own release id, so
 * concurrent builds never share a module. Slow (hundreds of milliseconds): never call it on an
 * event loop.
 */
public final class RuleCompiler {

  private static final String RESOURCES = "src/main/resources/";
  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)", Pattern.MULTILINE);
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\\.drl");
  private static final AtomicLong BUILDS = new AtomicLong();
  // Drools adds this after every syntax error; the syntax error already says what is wrong.
  private static final String PARSER_FOLLOW_UP = "Parser returned a null Package";
  // The parser says where it stopped only in its text ("Line 8:28", the column counted from 0).
  private static final Pattern PARSER_POSITION = Pattern.compile("\\bLine (\\d+):(\\d+)");

  private RuleCompiler() {}

  public static CompiledRuleSet compile(int version, Map<String, String> files)
      throws RuleCompilationException {
    List<RuleError> errors = new ArrayList<>();
    if (files.isEmpty()) {
      errors.add(new RuleError("", 0, 0, "a rule set needs at least one .drl file"));
    }
    for (String name : files.keySet()) {
      if (!FILE_NAME.matcher(name).matches()) {
        errors.add(
            new RuleError(
                name, 0, 0, "a file name is letters, digits, '_', '-' or '.' ending in .drl"));
      }
    }
    if (!errors.isEmpty()) {
      throw new RuleCompilationException(errors);
    }
    KieServices services = KieServices.Factory.get();
    ReleaseId releaseId =
        services.newReleaseId(
            "dev.governor.rulesets", "ruleset-" + version, "1.0." + BUILDS.incrementAndGet());
    KieFileSystem fileSystem = services.newKieFileSystem().generateAndWritePomXML(releaseId);
    files.forEach((name, text) -> fileSystem.write(RESOURCES + folderOf(text) + name, text));
    KieBuilder builder = services.newKieBuilder(fileSystem).buildAll();
    for (Message message : builder.getResults().getMessages(Message.Level.ERROR)) {
      if (message.getText().contains(PARSER_FOLLOW_UP)) {
        continue;
      }
      errors.add(error(message));
    }
    if (!errors.isEmpty()) {
      services.getRepository().removeKieModule(releaseId);
      throw new RuleCompilationException(errors);
    }
    KieContainer container = services.newKieContainer(releaseId);
    services.getRepository().removeKieModule(releaseId);
    return new CompiledRuleSet(version, container, container.getKieBase());
  }

  /** Lines and columns count from 1; a column of 0 means Drools did not say. */
  private static RuleError error(Message message) {
    int line = message.getLine();
    int column = message.getColumn();
    Matcher position = PARSER_POSITION.matcher(message.getText());
    if (column <= 0 && position.find()) {
      int reportedLine = Integer.parseInt(position.group(1));
      if (line <= 0 || line == reportedLine) {
        line = reportedLine;
        column = Integer.parseInt(position.group(2)) + 1;
      }
    }
    return new RuleError(fileName(message.getPath()), line, column, message.getText());
  }

  /** Drools wants a file in the folder its package names. */
  private static String folderOf(String drl) {
    Matcher match = PACKAGE.matcher(drl);
    return match.find() ? match.group(1).replace('.', '/') + "/" : "";
  }

  private static String fileName(String path) {
    if (path == null) {
      return "";
    }
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
