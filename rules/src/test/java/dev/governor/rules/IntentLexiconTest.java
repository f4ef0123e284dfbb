package dev.governor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The first-word test in front of the lexicon's patterns is only a shortcut: it must never change
 * what the patterns alone would find.
 */
class IntentLexiconTest {

  private static final List<String> VOCABULARY =
      List.of(
          "delete",
          "Deletes",
          "deleting",
          "deleted",
          "destroy",
          "drop",
          "dropdown",
          "drop-down",
          "DROP",
          "recreate",
          "re-create",
          "re-creating",
          "rebuild",
          "from",
          "scratch",
          "wipe",
          "wipe-out",
          "out",
          "nuke",
          "purge",
          "truncate",
          "obliterate",
          "erase",
          "decommission",
          "tear",
          "tears",
          "down",
          "teardown",
          "it",
          "them",
          "everything",
          "blow",
          "away",
          "get",
          "rid",
          "of",
          "remove",
          "all",
          "every",
          "the",
          "whole",
          "throw",
          "reset",
          "--hard",
          "rm",
          "-rf",
          "-fr",
          "-r",
          "rm-rf",
          "force",
          "force-push",
          "force-pushing",
          "push",
          "--force",
          "-f",
          "--force-with-lease",
          "table",
          "tables",
          "users",
          "database",
          "databases",
          "schema",
          "collection",
          "format",
          "disk",
          "drive",
          "mkfs",
          "dd",
          "if=/dev/zero",
          "terraform",
          "kubectl",
          "namespace",
          "ns",
          "env",
          "environment",
          "prod",
          "production",
          "staging",
          "stage",
          "sandbox",
          "cluster",
          "stack",
          "infra",
          "deployment",
          "servers",
          "server",
          "vpc",
          "db",
          "records",
          "rows",
          "data",
          "bucket",
          "backup",
          "backups",
          "config",
          "settings",
          "secret",
          "secrets",
          "credentials",
          "dns",
          "repo",
          "repository",
          "main",
          "master",
          "branch",
          "history",
          "commits",
          "commit",
          "docs",
          "readme",
          "update",
          "redeploy",
          "dbadmin",
          "_drop",
          "drop_",
          "prod2",
          "ünïcode",
          "İstanbul",
          "a",
          "to");

  private static final List<String> SEPARATORS =
      List.of(" ", "  ", "\t", ", ", ". ", "/", "-", "_", ":", "(", ")", "'", "\"", "\n");

  @Test
  void findsWhatThePatternsAloneFindOnTheCuratedPhrasings() {
    List<String> phrasings = new ArrayList<>(IntentPhrasesTest.DESTRUCTIVE);
    phrasings.addAll(IntentPhrasesTest.HARMLESS);
    for (String phrasing : phrasings) {
      assertThat(IntentLexicon.signals(phrasing))
          .as(phrasing)
          .isEqualTo(IntentLexicon.signalsByPatternsAlone(phrasing));
    }
  }

  @Test
  void findsWhatThePatternsAloneFindOnRandomSentences() {
    Random random = new Random(20261122L);
    int withSignals = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sentence = new StringBuilder();
      int words = 1 + random.nextInt(7);
      for (int w = 0; w < words; w++) {
        if (w > 0 || random.nextInt(4) == 0) {
          sentence.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
        }
        sentence.append(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
      }
      String text = sentence.toString();
      var expected = IntentLexicon.signalsByPatternsAlone(text);
      assertThat(IntentLexicon.signals(text)).as(text).isEqualTo(expected);
      if (!expected.isEmpty()) {
        withSignals++;
      }
    }
    // The sentences exercise the patterns, not only their absence.
    assertThat(withSignals).isGreaterThan(20_000);
  }
}
