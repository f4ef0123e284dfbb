package dev.governor.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Follows an agent's command stream (Server-Sent Events) on a thread of its own, reconnecting after
 * a drop with the last command seen, so Governor re-delivers what came meanwhile and nothing twice.
 * Close it to stop.
 */
public final class CommandStream implements AutoCloseable {

  private static final Duration BACKOFF_FIRST = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

  private final HttpClient http;
  private final URI uri;
  private final String token;
  private final Consumer<Command> onCommand;
  private final Thread thread;
  private volatile boolean closed;
  private volatile long lastSeq;
  private volatile Stream<String> current;

  CommandStream(HttpClient http, URI uri, String token, long after, Consumer<Command> onCommand) {
    this.http = http;
    this.uri = uri;
    this.token = token;
    this.onCommand = onCommand;
    this.lastSeq = after;
    this.thread = new Thread(this::follow, "governor-command-stream");
    thread.setDaemon(true);
    thread.start();
  }

  /** The sequence number of the last command handed over. */
  public long lastSeq() {
    return lastSeq;
  }

  private void follow() {
    Duration backoff = BACKOFF_FIRST;
    while (!closed) {
      try {
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(lastSeq))
                .GET()
                .build();
        HttpResponse<Stream<String>> response =
            http.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
          // The token is not (or no longer) this agent's: retrying cannot help.
          closed = true;
          response.body().close();
          return;
        }
        if (response.statusCode() == 200) {
          backoff = BACKOFF_FIRST;
          try (Stream<String> lines = response.body()) {
            current = lines;
            read(lines);
          } finally {
            current = null;
          }
        } else {
          response.body().close();
        }
      } catch (IOException | UncheckedIOException e) {
        // Governor restarting, the network dropping, or close() ending the read: reconnect
        // below unless closed.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!closed) {
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(BACKOFF_MAX) > 0
                ? BACKOFF_MAX
                : backoff.multipliedBy(2);
      }
    }
  }

  private void read(Stream<String> lines) {
    StringBuilder data = new StringBuilder();
    String[] event = {null};
    lines
        .takeWhile(line -> !closed)
        .forEach(
            line -> {
              if (line.isEmpty()) {
                dispatch(event[0], data.toString());
                data.setLength(0);
                event[0] = null;
              } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
              } else if (line.startsWith("event:")) {
                event[0] = line.substring(6).strip();
              }
            });
  }

  private void dispatch(String event, String data) {
    if (!"command".equals(event) || data.isEmpty()) {
      return;
    }
    JsonNode body = GovernorClient.parse(data);
    Command command = Command.of(body);
    if (command.seq() > lastSeq) {
      lastSeq = command.seq();
      onCommand.accept(command);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis()); // a reconnect backoff, not a wait for a condition
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Stream<String> reading = current;
    if (reading != null) {
      reading.close(); // ends a read blocked on the open connection
    }
    thread.interrupt();
  }
}
