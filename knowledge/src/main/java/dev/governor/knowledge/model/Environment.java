package dev.governor.knowledge.model;

import java.util.Locale;

/** Where an agent acts. Its wire form is the lower-case name. */
public enum Environment {
  SANDBOX,
  STAGING,
  PRODUCTION;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Environment fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
