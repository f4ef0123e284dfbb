package dev.governor.knowledge.bus;

import dev.governor.knowledge.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * A bus codec for immutable records: locally it hands over the same instance; across nodes it
 * writes Jackson JSON behind a length prefix.
 */
public final class RecordCodec<T extends Record> implements MessageCodec<T, T> {

  private final Class<T> type;

  public RecordCodec(Class<T> type) {
    this.type = type;
  }

  /** Registers a codec for every message of the loop on this Vert.x instance, once. */
  public static synchronized void registerAll(Vertx vertx) {
    for (Class<? extends Record> type : Messages.ALL) {
      register(vertx, type);
    }
  }

  private static <R extends Record> void register(Vertx vertx, Class<R> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // Each stage registers on start; the first one wins and the rest are no-ops.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = Json.writeBytes(value);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return Json.read(buffer.getBytes(pos + 4, pos + 4 + length), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "governor." + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
