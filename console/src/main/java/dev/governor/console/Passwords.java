package dev.governor.console;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Operators' passwords, hashed with Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1
 * lane). Hashing takes tens of milliseconds on purpose: callers run it on a worker thread.
 */
final class Passwords {

  static final int MIN_LENGTH = 12;
  static final int MAX_LENGTH = 256;

  private static final Argon2Function ARGON2 =
      Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);

  /** Checked against when the name is unknown, so both failures take as long. */
  private static final String DUMMY = hash("governor-dummy-password");

  private Passwords() {}

  /** A PHC string: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. */
  static String hash(String password) {
    return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
  }

  /** Whether the password matches the hash; a missing hash matches nothing. */
  static boolean matches(String password, String hash) {
    if (hash == null) {
      Password.check(password, DUMMY).with(ARGON2);
      return false;
    }
    return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
  }

  /** What is wrong with a new password, or null. */
  static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "a password has at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "a password has at most " + MAX_LENGTH + " characters";
    }
    return null;
  }
}
