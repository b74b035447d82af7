package dev.junction.engine.fakes;

import dev.junction.engine.Scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.Future;

/**
 * A scheduler on a {@link FakeClock}: tasks run, in due order, only when the test advances time. A discrete-event
 * simulation, so tests never sleep.
 */
public final class FakeScheduler implements Scheduler {
    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long seq;

    public FakeScheduler(FakeClock clock) {
        this.clock = clock;
    }

    private static final class Task implements Comparable<Task> {
        final Instant due;
        final long seq;
        final Runnable run;
        volatile boolean cancelled;

        Task(Instant due, long seq, Runnable run) {
            this.due = due;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), seq++, task);
        queue.add(t);
        return () -> t.cancelled = true;
    }

    private synchronized Task pollDue(Instant limit) {
        while (!queue.isEmpty()) {
            Task t = queue.peek();
            if (t.cancelled) {
                queue.poll();
                continue;
            }
            if (limit != null && t.due.isAfter(limit)) {
                return null;
            }
            return queue.poll();
        }
        return null;
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way. */
    public void advance(Duration d) {
        Instant target = clock.instant().plus(d);
        Task t;
        while ((t = pollDue(target)) != null) {
            clock.set(t.due);
            t.run.run();
        }
        clock.set(target);
    }

    /** Runs tasks in due order (moving the clock) until the future is done. */
    public void runUntilDone(Future<?> future) {
        int guard = 0;
        while (!future.isDone()) {
            Task t = pollDue(null);
            if (t == null) {
                throw new AssertionError("the future is not done and nothing is scheduled");
            }
            if (++guard > 100_000) {
                throw new AssertionError("runaway schedule");
            }
            clock.set(t.due);
            t.run.run();
        }
    }

    /** Runs every scheduled task that is due within {@code horizon}. */
    public void runFor(Duration horizon) {
        advance(horizon);
    }

    public synchronized int pending() {
        int n = 0;
        for (Task t : queue) {
            if (!t.cancelled) {
                n++;
            }
        }
        return n;
    }
}
