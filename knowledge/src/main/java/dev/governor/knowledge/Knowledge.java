package dev.governor.knowledge;

import dev.governor.knowledge.store.KnowledgeStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The knowledge store as seen from a verticle: reads run on a worker pool, writes complete on the
 * caller's context once durable. No JDBC ever runs on an event loop through this class.
 */
public final class Knowledge {

  private static final String READ_POOL = "governor-knowledge-readers";
  private static final int READ_POOL_SIZE = 4;

  private final KnowledgeStore store;
  private final WorkerExecutor readers;

  public Knowledge(Vertx vertx, KnowledgeStore store) {
    this.store = store;
    this.readers = vertx.createSharedWorkerExecutor(READ_POOL, READ_POOL_SIZE);
  }

  public <T> Future<T> read(Function<KnowledgeStore, T> query) {
    return readers.executeBlocking(() -> query.apply(store), false);
  }

  public <T> Future<T> write(Function<KnowledgeStore, CompletableFuture<T>> write) {
    Context context = Vertx.currentContext();
    CompletableFuture<T> pending;
    try {
      pending = write.apply(store);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return context == null
        ? Future.fromCompletionStage(pending)
        : Future.fromCompletionStage(pending, context);
  }

  /** The store itself, for code already off the event loop. */
  public KnowledgeStore store() {
    return store;
  }
}
