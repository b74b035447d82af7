package dev.junction.plugin.testkit;

import dev.junction.spi.StreamEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A stream subscriber for tests: requests events in batches, checks the publisher never sends more than requested
 * or anything after a terminal event, and can cancel after a number of events.
 *
 * <p>Thread-safe for one publisher.
 */
public final class CollectingSubscriber implements Flow.Subscriber<StreamEvent> {
    private final int batch;
    private final int cancelAfter;
    private final List<StreamEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch cancelledLatch = new CountDownLatch(1);
    private volatile Flow.Subscription subscription;
    private long outstanding;
    private volatile boolean terminal;
    private volatile boolean completed;

    /**
     * @param batch       how many events to request at a time
     * @param cancelAfter cancel after this many events, or -1 never
     */
    public CollectingSubscriber(int batch, int cancelAfter) {
        this.batch = batch;
        this.cancelAfter = cancelAfter;
    }

    /** Requests 64 at a time and never cancels. */
    public static CollectingSubscriber all() {
        return new CollectingSubscriber(64, -1);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        synchronized (this) {
            outstanding = batch;
        }
        s.request(batch);
    }

    @Override
    public void onNext(StreamEvent item) {
        if (terminal) {
            violations.add("event after a terminal event: " + item);
        }
        events.add(item);
        if (item instanceof StreamEvent.Finish || item instanceof StreamEvent.Error) {
            terminal = true;
        }
        boolean requestMore;
        synchronized (this) {
            outstanding--;
            if (outstanding < 0) {
                violations.add("more events than requested at " + item);
            }
            requestMore = outstanding == 0;
            if (requestMore) {
                outstanding = batch;
            }
        }
        if (cancelAfter >= 0 && events.size() >= cancelAfter) {
            subscription.cancel();
            cancelledLatch.countDown();
            return;
        }
        if (requestMore && !terminal) {
            subscription.request(batch);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        violations.add("onError is not used by Junction streams: " + throwable);
        done.countDown();
    }

    @Override
    public void onComplete() {
        if (!terminal) {
            violations.add("onComplete without a Finish or Error event");
        }
        completed = true;
        done.countDown();
    }

    /** Waits for onComplete (or onError) and fails on rule violations. */
    public CollectingSubscriber awaitDone(Duration max) throws InterruptedException {
        if (!done.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the stream did not complete; events so far: " + events);
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("stream rule violations: " + violations);
        }
        return this;
    }

    /** Waits until this subscriber cancelled. */
    public boolean awaitCancelled(Duration max) throws InterruptedException {
        return cancelledLatch.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<StreamEvent> events() {
        return List.copyOf(events);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public boolean completed() {
        return completed;
    }

    /** The concatenated text deltas. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.TextDelta t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** The last event. */
    public StreamEvent last() {
        if (events.isEmpty()) {
            throw new AssertionError("no events");
        }
        return events.get(events.size() - 1);
    }
}
