package dev.junction.plugin.common;

import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream that failed before anything was sent: one {@link StreamEvent.Error}, then {@code onComplete}. */
final class FailedPublisher implements Flow.Publisher<StreamEvent> {
    private final ProviderException error;

    FailedPublisher(ProviderException error) {
        this.error = error;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        AtomicBoolean done = new AtomicBoolean();
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    if (done.compareAndSet(false, true)) {
                        subscriber.onError(new IllegalArgumentException("request(n) needs n > 0, was " + n));
                    }
                    return;
                }
                if (done.compareAndSet(false, true)) {
                    subscriber.onNext(new StreamEvent.Error(error));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done.set(true);
            }
        });
    }
}
