package dev.governor.knowledge;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for records written at a high rate (plans, escalations): UUID version 7 (RFC 9562), whose
 * first 48 bits are the Unix time in milliseconds. Ids made close in time sort close together, so
 * the store's B-tree indexes take each new one at their right edge instead of rewriting a random
 * page per insert, which is what random (version 4) ids cost.
 *
 * <p>The random part comes from {@link ThreadLocalRandom}: an id names a record and is not a
 * secret; every route that takes one checks who is asking.
 */
public final class Ids {

  private Ids() {}

  /** A new time-ordered id. */
  public static String next() {
    return next(System.currentTimeMillis()).toString();
  }

  static UUID next(long unixMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (unixMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }
}
