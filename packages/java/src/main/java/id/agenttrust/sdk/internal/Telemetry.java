// Copied from generators/java/runtime/internal/Telemetry.java by agenttrust-gen (Java). DO NOT EDIT.
package id.agenttrust.sdk.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The guard's telemetry queue of reports (any type T; the guard turns a batch into events only
 * when it sends it, so that queuing stays cheap): {@code offer} never blocks or throws; a bounded queue (a full one
 * drops and counts), batches sent by one daemon thread when a batch is full and every interval,
 * failed batches dropped and counted, with a backoff before the next attempt.
 */
public final class Telemetry<T> {
  private static final int MAX_BACKOFF_INTERVALS = 12;

  private final Consumer<List<T>> send;
  private final int batchSize;
  private final long intervalMs;
  private final int capacity;
  // Lock-free, bounded by the counter: report() is on the caller's hot path.
  private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final ScheduledExecutorService worker;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final Log log;
  private long quietUntil;
  private int failures;

  /**
   * Starts the queue and its daemon thread.
   *
   * @param send sends one batch (throws on failure)
   * @param batchSize events per request
   * @param capacity the queue's bound
   * @param interval how often a partial batch is sent
   * @param log where batches sent (info), failed and dropped (warn) are logged
   */
  public Telemetry(Consumer<List<T>> send, int batchSize, int capacity, Duration interval, Log log) {
    this.send = send;
    this.log = log == null ? Log.OFF : log;
    this.batchSize = batchSize;
    this.intervalMs = interval.toMillis();
    this.capacity = capacity;
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "agenttrust-telemetry");
              t.setDaemon(true);
              return t;
            });
    ex.setRemoveOnCancelPolicy(true);
    this.worker = ex;
    worker.scheduleWithFixedDelay(() -> drain(false), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Queues an event; drops (and counts) it when the queue is full or closed.
   *
   * @param e the event
   */
  public void offer(T e) {
    if (closed.get()) {
      droppedOne("the guard is closed");
      return;
    }
    int n = size.incrementAndGet();
    if (n > capacity) {
      size.decrementAndGet();
      droppedOne("the queue is full (" + capacity + ")");
      return;
    }
    queue.offer(e);
    if (n >= batchSize && wakePending.compareAndSet(false, true)) {
      try {
        worker.execute(() -> {
          wakePending.set(false);
          drain(true);
        });
      } catch (java.util.concurrent.RejectedExecutionException ex) {
        wakePending.set(false);
      }
    }
  }

  /** Counts an event that could not be queued (an empty tool name, an unbuildable event). */
  public void drop() {
    droppedOne("the event could not be built");
  }

  /** Counts a drop; logs the 1st, 2nd, 4th, 8th... so that a full queue cannot flood the log. */
  private void droppedOne(String why) {
    long d = dropped.incrementAndGet();
    if ((d & (d - 1)) == 0 && log.on(Log.Level.WARN)) {
      log.warn("telemetry event dropped: " + why + "; " + d + " dropped so far");
    }
  }

  /** Runs on the worker: sends full batches (or everything when not onlyFull). */
  private void drain(boolean onlyFull) {
    if (System.currentTimeMillis() < quietUntil) return;
    while (onlyFull ? size.get() >= batchSize : size.get() > 0) {
      List<T> batch = new ArrayList<>(batchSize);
      for (T e; batch.size() < batchSize && (e = queue.poll()) != null; ) batch.add(e);
      size.addAndGet(-batch.size());
      if (batch.isEmpty()) return;
      try {
        send.accept(batch);
        sent.addAndGet(batch.size());
        failures = 0;
        if (log.on(Log.Level.INFO)) log.info("telemetry batch sent: " + batch.size() + " events");
      } catch (RuntimeException ex) {
        failedBatches.incrementAndGet();
        long total = dropped.addAndGet(batch.size());
        if (log.on(Log.Level.WARN)) {
          String code = ex instanceof id.agenttrust.sdk.exceptions.AgentTrustException ? " " + ((id.agenttrust.sdk.exceptions.AgentTrustException) ex).getCode() : "";
          log.warn("telemetry batch of " + batch.size() + " events failed and was dropped: " + ex.getClass().getSimpleName() + code + "; " + total + " dropped so far");
        }
        double d = Math.min(intervalMs * Math.pow(2, failures), (double) intervalMs * MAX_BACKOFF_INTERVALS);
        quietUntil = System.currentTimeMillis() + (long) d;
        failures++;
        return;
      }
    }
  }

  /**
   * Sends everything queued, waiting up to timeout.
   *
   * @param timeout the bound
   * @return true when done in time
   */
  public boolean flush(Duration timeout) {
    Future<?> f;
    try {
      f = worker.submit(() -> {
        quietUntil = 0;
        drain(false);
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return true;
    }
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  /**
   * Flushes (bounded), then stops; later events are dropped and what is still queued is
   * counted as dropped.
   *
   * @param timeout the bound
   */
  public void close(Duration timeout) {
    if (closed.getAndSet(true)) return;
    flush(timeout);
    worker.shutdownNow();
    for (T e; (e = queue.poll()) != null; ) {
      size.decrementAndGet();
      dropped.incrementAndGet();
    }
  }

  /**
   * Events sent.
   *
   * @return the count
   */
  public long sent() {
    return sent.get();
  }

  /**
   * Events dropped (queue full, closed, or their batch failed).
   *
   * @return the count
   */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Events waiting.
   *
   * @return the count
   */
  public long queued() {
    return size.get();
  }

  /**
   * Batches the gateway refused or that failed to send.
   *
   * @return the count
   */
  public long failedBatches() {
    return failedBatches.get();
  }
}
