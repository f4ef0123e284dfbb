package dev.governor.knowledge.store;

import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.AuditEntry;
import java.time.Instant;

/**
 * The hash chain of the audit log. An entry's hash is SHA-256 over its sequence number, time, type,
 * actor, subject, payload and the previous entry's hash, so changing, removing or reordering any
 * entry breaks every hash after it.
 */
public final class AuditChain {

  /** The hash that the first entry's {@code prevHash} holds. */
  public static final String GENESIS = "0".repeat(64);

  /** The last entry written: where the next one attaches. */
  public record Head(long seq, String hash) {
    public static final Head EMPTY = new Head(0, GENESIS);
  }

  private AuditChain() {}

  public static AuditEntry next(
      Head head, Instant at, String type, String actor, String subject, String payload) {
    long seq = head.seq() + 1;
    Instant millis = Instant.ofEpochMilli(at.toEpochMilli());
    String hash = hash(seq, millis, type, actor, subject, payload, head.hash());
    return new AuditEntry(seq, millis, type, actor, subject, payload, head.hash(), hash);
  }

  public static String hash(AuditEntry e) {
    return hash(e.seq(), e.at(), e.type(), e.actor(), e.subject(), e.payload(), e.prevHash());
  }

  /** Checks one entry against the one before it; returns what is wrong, or null when it fits. */
  public static String problem(Head before, AuditEntry entry) {
    if (entry.seq() != before.seq() + 1) {
      return "expected entry " + (before.seq() + 1) + " but found " + entry.seq();
    }
    if (!entry.prevHash().equals(before.hash())) {
      return "prevHash does not match the hash of entry " + before.seq();
    }
    if (!Secrets.sameDigest(hash(entry), entry.hash())) {
      return "hash does not match the entry's content";
    }
    return null;
  }

  private static String hash(
      long seq,
      Instant at,
      String type,
      String actor,
      String subject,
      String payload,
      String prevHash) {
    // Length-prefixed fields: no choice of field contents can make two entries hash alike.
    StringBuilder text = new StringBuilder(128 + payload.length());
    for (String field :
        new String[] {
          Long.toString(seq),
          Long.toString(at.toEpochMilli()),
          type,
          actor,
          subject,
          payload,
          prevHash
        }) {
      text.append(field.length()).append(':').append(field).append('\n');
    }
    return Secrets.sha256Hex(text.toString());
  }
}
