package dev.governor.console;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Server-Sent Events client for an agent's command stream: reads the stream on its own
 * thread and keeps every event it received, in order.
 */
final class CommandStream implements AutoCloseable {

  /** One event: its id, name and JSON data. */
  record Event(long id, String name, JsonObject data) {
    String command() {
      return data.getString("command");
    }
  }

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final int status;
  private final InputStream body;
  private final Thread reader;

  private CommandStream(HttpResponse<InputStream> response) {
    this.status = response.statusCode();
    this.body = response.body();
    this.reader = new Thread(this::read, "test-command-stream");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code path} with the token, and {@code Last-Event-ID} when it is not null. */
  static CommandStream open(int port, String path, String token, Long lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("accept", "text/event-stream")
            .timeout(Duration.ofSeconds(10));
    if (lastEventId != null) {
      request.header("Last-Event-ID", String.valueOf(lastEventId));
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return new CommandStream(
        client.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  int status() {
    return status;
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<String> commands() {
    return events.stream().map(Event::command).toList();
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      long id = 0;
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(id, name, new JsonObject(data.toString())));
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (IOException closed) {
      // The stream ends when the test closes it or Governor stops.
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
