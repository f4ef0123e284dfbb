package dev.governor.monitor;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent idempotency keys, confined to Monitor's event loop. The first plan under a key claims it
 * at once, before the store is asked about older plans, so concurrent retries all wait on that one
 * claim instead of racing to record a second plan. Older keys fall out and are found in the store.
 */
final class IdempotencyKeys {

  /** The plan that holds a key, and the hash of its content. */
  record Claim(String planId, String contentHash) {}

  private final Map<String, Future<Claim>> recent;

  IdempotencyKeys(int capacity) {
    this.recent =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Future<Claim>> eldest) {
            return size() > capacity;
          }
        };
  }

  Future<Claim> claimed(String agentId, String key) {
    return recent.get(agentId + "\n" + key);
  }

  void claim(String agentId, String key, Future<Claim> claim) {
    recent.put(agentId + "\n" + key, claim);
  }

  void release(String agentId, String key) {
    recent.remove(agentId + "\n" + key);
  }
}
