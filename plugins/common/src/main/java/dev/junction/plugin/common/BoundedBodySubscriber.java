package dev.junction.plugin.common;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps at most {@code limit} bytes of a body, then stops reading (cancelling the body, which closes the connection)
 * and completes with what it kept: an error body only explains a failure, it never needs to be whole. A body that
 * must be whole (an answer) fails with {@link TooLongException} instead.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final boolean mustBeWhole;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** A body over the limit, which cannot be used cut. */
    static final class TooLongException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        TooLongException(String message) {
            super(message);
        }
    }

    /** Keeps the first {@code limit} bytes. */
    BoundedBodySubscriber(int limit) {
        this(limit, false);
    }

    /** With {@code mustBeWhole}, a body over {@code limit} fails with {@link TooLongException}. */
    BoundedBodySubscriber(int limit, boolean mustBeWhole) {
        this.limit = limit;
        this.mustBeWhole = mustBeWhole;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        if (result.isDone()) {
            return;
        }
        if (!keep(kept, item, limit, mustBeWhole)) {
            subscription.cancel();
            result.completeExceptionally(new TooLongException(tooLong(limit)));
            return;
        }
        if (kept.size() >= limit) {
            subscription.cancel();
            result.complete(kept.toByteArray());
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(kept.toByteArray());
    }

    /**
     * Appends {@code item} to {@code kept}, up to {@code limit} bytes in all; with {@code mustBeWhole}, appends nothing
     * of a buffer that would pass the limit and returns false.
     */
    static boolean keep(ByteArrayOutputStream kept, List<ByteBuffer> item, int limit, boolean mustBeWhole) {
        for (ByteBuffer b : item) {
            if (mustBeWhole && b.remaining() > limit - kept.size()) {
                return false;
            }
            int n = Math.min(b.remaining(), limit - kept.size());
            if (n > 0) {
                byte[] chunk = new byte[n];
                b.get(chunk);
                kept.write(chunk, 0, n);
            }
        }
        return true;
    }

    /** What a whole answer over {@code limit} bytes is told. */
    static String tooLong(int limit) {
        return "the provider's answer is longer than " + limit + " bytes";
    }
}
