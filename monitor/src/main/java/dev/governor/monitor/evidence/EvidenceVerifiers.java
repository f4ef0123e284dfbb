package dev.governor.monitor.evidence;

import dev.governor.knowledge.model.Agent;
import dev.governor.knowledge.model.Evidence;
import dev.governor.knowledge.model.EvidenceCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The verifiers by kind: the built-in ones, and any found with {@link ServiceLoader}. An envelope
 * of a kind nobody can verify fails (fail closed), and so does one whose reporter said stop.
 */
public final class EvidenceVerifiers {

  private final Map<String, EvidenceVerifier> byKind;

  private EvidenceVerifiers(Map<String, EvidenceVerifier> byKind) {
    this.byKind = byKind;
  }

  /** The built-in verifiers and those on the class path; two verifiers of one kind is an error. */
  public static EvidenceVerifiers load(Duration gitTimeout) {
    List<EvidenceVerifier> all = new ArrayList<>();
    all.add(new JUnitReportVerifier());
    all.add(new FileVerifier());
    all.add(new GitCommitVerifier(gitTimeout));
    all.add(new ScanVerifier());
    all.add(new CoverageVerifier());
    ServiceLoader.load(EvidenceVerifier.class).forEach(all::add);
    Map<String, EvidenceVerifier> byKind = new TreeMap<>();
    for (EvidenceVerifier verifier : all) {
      EvidenceVerifier earlier = byKind.putIfAbsent(verifier.kind(), verifier);
      if (earlier != null) {
        throw new IllegalStateException(
            "two evidence verifiers for kind \""
                + verifier.kind()
                + "\": "
                + earlier.getClass().getName()
                + " and "
                + verifier.getClass().getName());
      }
    }
    return new EvidenceVerifiers(byKind);
  }

  public boolean knows(String kind) {
    return byKind.containsKey(kind);
  }

  public List<String> kinds() {
    return List.copyOf(byKind.keySet());
  }

  /** One check per envelope, in order. Blocks. */
  public List<EvidenceCheck> verify(List<Evidence> envelopes, Agent agent) {
    List<EvidenceCheck> checks = new ArrayList<>(envelopes.size());
    for (Evidence evidence : envelopes) {
      checks.add(verify(evidence, agent));
    }
    return checks;
  }

  private EvidenceCheck verify(Evidence evidence, Agent agent) {
    EvidenceVerifier verifier = byKind.get(evidence.kind());
    if (verifier == null) {
      return EvidenceCheck.failed(
          evidence.kind(),
          "no verifier for evidence of kind \"" + evidence.kind() + "\"; known: " + kinds());
    }
    EvidenceCheck check;
    try {
      check = verifier.verify(evidence, agent);
    } catch (RuntimeException e) {
      check = EvidenceCheck.failed(evidence.kind(), "the verifier failed: " + e.getMessage());
    }
    if (check.ok() && !evidence.reporterSaysContinue()) {
      return EvidenceCheck.failed(
          evidence.kind(), check.message() + "; but the reporter itself said stop");
    }
    return check;
  }
}
