package dev.governor.bench;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts by name from any thread, for verdicts and kinds of error. */
final class Tally {

  // A failing target can produce many different messages; past this many, they are lumped.
  private static final int MAX_NAMES = 32;
  static final String OTHER = "(other errors)";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String name) {
    LongAdder count = counts.get(name);
    if (count == null) {
      String key = counts.size() < MAX_NAMES ? name : OTHER;
      count = counts.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }

  SortedMap<String, Long> snapshot() {
    SortedMap<String, Long> copy = new TreeMap<>();
    counts.forEach((name, count) -> copy.put(name, count.sum()));
    return copy;
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
