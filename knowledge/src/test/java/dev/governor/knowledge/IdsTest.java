package dev.governor.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void anIdIsAVersionSevenUuidCarryingItsMillisecond() {
    long millis = Instant.parse("2026-11-22T05:00:00.123Z").toEpochMilli();
    UUID id = Ids.next(millis);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
  }

  @Test
  void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
    long millis = Instant.parse("2026-11-22T05:00:00Z").toEpochMilli();
    String earlier = Ids.next(millis).toString();
    String later = Ids.next(millis + 1).toString();
    assertThat(later).isGreaterThan(earlier);
  }

  @Test
  void idsOfOneMillisecondAreStillDistinct() {
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(Ids.next(42L));
    }
    assertThat(ids).hasSize(100_000);
  }
}
