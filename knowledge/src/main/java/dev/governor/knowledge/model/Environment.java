package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an agent acts. Its wire form is the lower-case name. */
public enum Environment {
  SANDBOX,
  STAGING,
  PRODUCTION;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Environment fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
