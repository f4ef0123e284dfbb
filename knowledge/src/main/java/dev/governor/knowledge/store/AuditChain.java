package dev.governor.knowledge.store;

import dev.governor.knowledge.Secrets;
import dev.governor.knowledge.model.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

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

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(AuditChain::newDigest);
  private static final byte[] NEWLINE = {'\n'};

  private static String hash(
      long seq,
      Instant at,
      String type,
      String actor,
      String subject,
      String payload,
      String prevHash) {
    // Length-prefixed fields ("<UTF-16 length>:<field>\n" each, in UTF-8): no choice of field
    // contents can make two entries hash alike. Fed to the digest field by field rather than
    // joined first: the same bytes, without copying the payload three times per entry.
    MessageDigest digest = SHA_256.get();
    digest.reset();
    update(digest, Long.toString(seq));
    update(digest, Long.toString(at.toEpochMilli()));
    update(digest, type);
    update(digest, actor);
    update(digest, subject);
    update(digest, payload);
    update(digest, prevHash);
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String field) {
    digest.update((field.length() + ":").getBytes(StandardCharsets.US_ASCII));
    digest.update(field.getBytes(StandardCharsets.UTF_8));
    digest.update(NEWLINE);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
