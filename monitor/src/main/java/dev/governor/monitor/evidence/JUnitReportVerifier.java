package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import java.io.IOException;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * {@code test-report}: every artifact is a JUnit XML report under the agent's grants that parses
 * (with DTDs and external entities refused) and, over all of them, more than zero tests ran and
 * none failed. Counts the envelope states must agree with the reports.
 */
final class JUnitReportVerifier implements EvidenceVerifier {

  private record Tally(long tests, long skipped, long failed) {
    Tally plus(Tally other) {
      return new Tally(tests + other.tests, skipped + other.skipped, failed + other.failed);
    }
  }

  @Override
  public String kind() {
    return "test-report";
  }

  @Override
  public EvidenceCheck verify(Evidence evidence, Agent agent) {
    if (evidence.artifacts().isEmpty()) {
      return EvidenceCheck.failed(
          kind(), "a test report must name its JUnit XML file (artifacts[].path)");
    }
    Tally total = new Tally(0, 0, 0);
    for (Evidence.Artifact artifact : evidence.artifacts()) {
      Artifacts.Checked checked = Artifacts.file(artifact.path(), artifact.sha256(), agent);
      if (checked.problem() != null) {
        return EvidenceCheck.failed(kind(), checked.problem());
      }
      try {
        total = total.plus(tally(parse(checked.real())));
      } catch (IOException | SAXException | ParserConfigurationException | RuntimeException e) {
        return EvidenceCheck.failed(
            kind(), artifact.path() + " is not a JUnit XML report: " + e.getMessage());
      }
    }
    long ran = total.tests() - total.skipped();
    if (ran <= 0) {
      return EvidenceCheck.failed(
          kind(), "the report counts " + ran + " tests run: zero tests prove nothing");
    }
    if (total.failed() > 0) {
      return EvidenceCheck.failed(
          kind(), total.failed() + " of " + ran + " tests failed or had errors");
    }
    Long statedRun = evidence.counts().testsRun();
    if (statedRun != null && statedRun != ran && statedRun != total.tests()) {
      return EvidenceCheck.failed(
          kind(), "the envelope says " + statedRun + " tests ran; the report says " + ran);
    }
    Long statedFailed = evidence.counts().testsFailed();
    if (statedFailed != null && statedFailed != 0) {
      return EvidenceCheck.failed(
          kind(), "the envelope says " + statedFailed + " tests failed; the report says none");
    }
    return EvidenceCheck.passed(kind(), ran + " tests ran, none failed");
  }

  private static Document parse(Path file)
      throws ParserConfigurationException, IOException, SAXException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setErrorHandler(null);
    return builder.parse(file.toFile());
  }

  private static Tally tally(Document document) {
    Element root = document.getDocumentElement();
    if (!root.getTagName().equals("testsuite") && !root.getTagName().equals("testsuites")) {
      throw new IllegalArgumentException(
          "the root element is <" + root.getTagName() + ">, not <testsuite> or <testsuites>");
    }
    NodeList suites = document.getElementsByTagName("testsuite");
    if (suites.getLength() == 0) {
      return of(root);
    }
    Tally total = new Tally(0, 0, 0);
    for (int i = 0; i < suites.getLength(); i++) {
      total = total.plus(of((Element) suites.item(i)));
    }
    return total;
  }

  private static Tally of(Element suite) {
    return new Tally(
        count(suite, "tests"),
        count(suite, "skipped"),
        count(suite, "failures") + count(suite, "errors"));
  }

  private static long count(Element element, String attribute) {
    String value = element.getAttribute(attribute);
    return value.isBlank() ? 0 : Long.parseLong(value.strip());
  }
}
