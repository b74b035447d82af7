package dev.junction.cache;

import dev.junction.spi.ChatResponse;
import dev.junction.spi.FinishReason;
import dev.junction.spi.ProviderException;
import dev.junction.spi.StreamEvent;
import dev.junction.spi.ToolCall;
import dev.junction.spi.Usage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachedStreamsTest {
    private final ChatResponse response = new ChatResponse("r1", "y".repeat(150), List.of(new ToolCall("c1", "f", "{\"a\":1}")),
            FinishReason.TOOL_CALLS, new Usage(10, 20, 0, 0, 0), "openai", "gpt-4o", "gpt-4o-2024");

    @Test
    void replayedEventsAssembleBackToTheSameAnswer() {
        List<StreamEvent> events = CachedStreams.events(response);
        assertEquals(3, events.stream().filter(e -> e instanceof StreamEvent.TextDelta).count());
        assertEquals(response, CachedStreams.assemble(events).orElseThrow());
    }

    @Test
    void incompleteOrFailedStreamsAreNotCached() {
        List<StreamEvent> events = new ArrayList<>(CachedStreams.events(response));
        events.remove(events.size() - 1);
        assertTrue(CachedStreams.assemble(events).isEmpty(), "cut before Finish");
        events.add(new StreamEvent.Finish(FinishReason.ERROR));
        assertTrue(CachedStreams.assemble(events).isEmpty(), "finished with an error");
        assertTrue(CachedStreams.assemble(List.of()).isEmpty());
    }

    @Test
    void publisherHonoursBackpressureAndCancel() {
        List<StreamEvent> received = new ArrayList<>();
        boolean[] completed = {false};
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        CachedStreams.replay(response).subscribe(new Flow.Subscriber<StreamEvent>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
            }

            @Override
            public void onNext(StreamEvent item) {
                received.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete() {
                completed[0] = true;
            }
        });
        assertTrue(received.isEmpty());
        subscription[0].request(2);
        assertEquals(2, received.size());
        subscription[0].request(100);
        assertEquals(CachedStreams.events(response), received);
        assertTrue(completed[0]);
    }

    @Test
    void anErrorEventMeansNothingIsCached() {
        List<StreamEvent> events = new ArrayList<>(CachedStreams.events(response));
        events.add(events.size() - 1, new StreamEvent.Error(new ProviderException(dev.junction.spi.ErrorKind.values()[0],
                "openai", "gpt-4o", 500, "boom")));
        assertTrue(CachedStreams.assemble(events).isEmpty());
    }
}
