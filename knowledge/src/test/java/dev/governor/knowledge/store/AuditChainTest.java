package dev.governor.knowledge.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.AuditEntry;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chain's hash must never change: stores written by earlier versions must still verify. */
class AuditChainTest {

  @Test
  void theHashIsTheSha256OfTheLengthPrefixedFieldsAsFirstDefined() {
    Random random = new Random(7);
    List<String> samples =
        List.of(
            "",
            "{\"plan\":\"p\"}",
            "ünïcödé and 漢字",
            "emoji \uD83D\uDE80 in a payload",
            "a lone surrogate \uD800 here",
            "ends with a high surrogate \uD83D",
            "line\nbreaks\nand:colons:");
    AuditChain.Head head = AuditChain.Head.EMPTY;
    for (int i = 0; i < 200; i++) {
      String payload = samples.get(i % samples.size()) + "x".repeat(random.nextInt(3000));
      AuditEntry entry =
          AuditChain.next(
              head,
              Instant.ofEpochMilli(1_700_000_000_000L + i),
              "plan.received",
              samples.get((i + 3) % samples.size()),
              "plan:" + i,
              payload);
      assertThat(entry.hash()).isEqualTo(reference(entry));
      assertThat(AuditChain.problem(head, entry)).isNull();
      head = new AuditChain.Head(entry.seq(), entry.hash());
    }
  }

  /** The definition, written the plain way: the joined text, in UTF-8, through SHA-256. */
  private static String reference(AuditEntry e) {
    StringBuilder text = new StringBuilder();
    for (String field :
        new String[] {
          Long.toString(e.seq()),
          Long.toString(e.at().toEpochMilli()),
          e.type(),
          e.actor(),
          e.subject(),
          e.payload(),
          e.prevHash()
        }) {
      text.append(field.length()).append(':').append(field).append('\n');
    }
    return Secrets.sha256Hex(text.toString());
  }
}
