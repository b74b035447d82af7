package dev.junction.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: the engine's only source of timers (attempt deadlines, retry back-off, hedging, catalog
 * refresh).
 *
 * <p>Implementations are thread-safe. Tests inject a fake that runs tasks when a fake clock is advanced, so no test
 * sleeps. The delay is measured on the same time line as the engine's {@link java.time.Clock}.
 */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay} (at once when the delay is zero or negative). */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not run yet; does nothing otherwise. */
        void cancel();
    }

    /**
     * A scheduler on one daemon thread named {@code junction-scheduler}; tasks must be short (the engine hands real
     * work to its executor).
     */
    static Scheduler system() {
        return SystemSchedulerHolder.INSTANCE;
    }

    /** Holds the lazily created system scheduler. */
    final class SystemSchedulerHolder {
        private static final ScheduledExecutorService EXECUTOR = create();
        private static final Scheduler INSTANCE = (delay, task) -> {
            ScheduledFuture<?> f = EXECUTOR.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };

        private SystemSchedulerHolder() {
        }

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "junction-scheduler");
                t.setDaemon(true);
                return t;
            });
            // Most timers (attempt deadlines) are cancelled long before they fall due: drop them at once.
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
