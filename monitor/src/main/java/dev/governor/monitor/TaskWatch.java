package dev.governor.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The watchdog's view of open tasks: when each last moved (opened, a plan sent in it, a step of it
 * reported, a phase passed) and which are stalled. Confined to Monitor's event loop.
 */
final class TaskWatch {

  /** A task found stalled by a sweep. */
  record Stall(String taskId, String agentId, Duration idle) {}

  private static final class Watched {
    final String agentId;
    Instant lastProgress;
    boolean stalled;

    Watched(String agentId, Instant lastProgress) {
      this.agentId = agentId;
      this.lastProgress = lastProgress;
    }
  }

  private final Map<String, Watched> tasks = new HashMap<>();
  private final Duration timeout;

  /** A zero timeout watches nothing. */
  TaskWatch(Duration timeout) {
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  void open(String taskId, String agentId, Instant at) {
    if (!timeout.isZero()) {
      tasks.put(taskId, new Watched(agentId, at));
    }
  }

  /**
   * The task moved. Returns the agent whose stall alert may now clear (the task was stalled and the
   * agent has no other stalled task), or null.
   */
  String progressed(String taskId, Instant at) {
    Watched task = tasks.get(taskId);
    if (task == null) {
      return null;
    }
    task.lastProgress = at;
    return unstall(task);
  }

  /** The task reached the end of its path; returns as {@link #progressed}. */
  String finished(String taskId) {
    Watched task = tasks.remove(taskId);
    return task == null ? null : unstall(task);
  }

  /** The tasks that stalled since the last sweep. */
  List<Stall> sweep(Instant now) {
    List<Stall> stalled = new ArrayList<>();
    tasks.forEach(
        (taskId, task) -> {
          if (!task.stalled && task.lastProgress.plus(timeout).isBefore(now)) {
            task.stalled = true;
            stalled.add(new Stall(taskId, task.agentId, Duration.between(task.lastProgress, now)));
          }
        });
    return stalled;
  }

  private String unstall(Watched task) {
    if (!task.stalled) {
      return null;
    }
    task.stalled = false;
    boolean otherStalled =
        tasks.values().stream().anyMatch(t -> t.stalled && t.agentId.equals(task.agentId));
    return otherStalled ? null : task.agentId;
  }
}
