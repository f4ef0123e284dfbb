package dev.governor.console.demo;

/**
 * One incident from SPEC section 10, played by a simulated agent against a running Governor with
 * the same client a real agent uses. A story registers its own agents, drives them, and returns
 * what Governor did about it.
 */
public interface Story {

  /** The incident, as a person would tell it. */
  String name();

  /** Plays the story to its end and returns what Governor was seen to do. */
  Outcome play(Fleet fleet) throws Exception;
}
