package dev.governor.knowledge.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an action does to the world: its wire form is the lower-case name. */
public enum EffectClass {
  READ,
  WRITE,
  DESTRUCTIVE,
  EXTERNAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static EffectClass fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** True when the text names an effect class. */
  public static boolean isKnown(String value) {
    try {
      fromWire(value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
