package dev.junction.plugin.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of {@code text/event-stream} bytes into events, as the HTML living standard defines them.
 *
 * <p>Bytes arrive in arbitrary chunks (a line, a UTF-8 sequence or an event may be split anywhere); lines end with
 * LF, CRLF or CR; {@code data:} lines of one event are joined with LF; comment lines ({@code :ping}) and the
 * {@code id}/{@code retry} fields are ignored; an event without data is not dispatched; an unfinished event at the
 * end of the stream is dropped.
 *
 * <p>A line longer than {@link #MAX_LINE_BYTES}, or an event whose data grows beyond it, is refused with a
 * {@link TooLongException} rather than buffered: a provider that never ends a line (or an event) would otherwise
 * grow the client's memory until it dies.
 *
 * <p>Not thread-safe: one parser per stream, fed by one thread at a time.
 */
public final class SseParser {

    /**
     * The longest line, in bytes without its line end, and the most data one event may accumulate. Generous: the
     * largest events providers send (a whole JSON chunk on one {@code data:} line, an inline image) are far smaller.
     */
    public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    /** A line or an event over {@link #MAX_LINE_BYTES}; the stream cannot be read further. */
    public static final class TooLongException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        TooLongException(String message) {
            super(message);
        }
    }

    /** Receives each complete event. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param event the {@code event:} field, or null when the event had none
         * @param data  the joined {@code data:} lines
         */
        void onEvent(String event, String data);
    }

    private static final int INITIAL_LINE_CAPACITY = 256;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private byte[] line = new byte[INITIAL_LINE_CAPACITY];
    private int lineLength;
    private boolean lastWasCr;
    /** How many bytes of a leading UTF-8 byte order mark were skipped; -1 once past the start of the stream. */
    private int bomMatched;
    private String eventName;
    /** The first data line; most events have exactly one, which then needs no copying. */
    private String firstData;
    /** The joined data lines once a second one arrives. */
    private StringBuilder data;

    /** Parses the buffer's remaining bytes, calling the listener for each event it completes. */
    public void feed(ByteBuffer buffer, Listener listener) {
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int start = buffer.arrayOffset() + buffer.position();
            int end = buffer.arrayOffset() + buffer.limit();
            feed(array, start, end, listener);
            buffer.position(buffer.limit());
        } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            feed(copy, 0, copy.length, listener);
        }
    }

    /** Parses {@code bytes[from, to)}. */
    public void feed(byte[] bytes, int from, int to, Listener listener) {
        while (bomMatched >= 0 && from < to) {
            if (bomMatched < BOM.length && bytes[from] == BOM[bomMatched]) {
                from++;
                if (++bomMatched == BOM.length) {
                    bomMatched = -1; // one leading BOM is ignored
                }
            } else {
                append(BOM, 0, bomMatched); // not a BOM after all: keep what was held back
                bomMatched = -1;
            }
        }
        int segmentStart = from;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    // The LF of a CRLF pair: the line already ended at the CR.
                    lastWasCr = false;
                    segmentStart = i + 1;
                    continue;
                }
                append(bytes, segmentStart, i);
                endLine(listener);
                segmentStart = i + 1;
            } else if (b == '\r') {
                append(bytes, segmentStart, i);
                endLine(listener);
                lastWasCr = true;
                segmentStart = i + 1;
            } else {
                lastWasCr = false;
            }
        }
        append(bytes, segmentStart, to);
    }

    private void append(byte[] bytes, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        if (n > MAX_LINE_BYTES - lineLength) {
            throw new TooLongException("the provider sent a server-sent-event line longer than " + MAX_LINE_BYTES
                    + " bytes without ending it");
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, lineLength + n)));
        }
        System.arraycopy(bytes, from, line, lineLength, n);
        lineLength += n;
    }

    private void endLine(Listener listener) {
        int n = lineLength;
        lineLength = 0;
        if (n == 0) {
            dispatch(listener);
            return;
        }
        byte[] l = line;
        if (l[0] == ':') {
            return; // comment
        }
        int colon = -1;
        for (int i = 0; i < n; i++) {
            if (l[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon < 0 ? n : colon;
        int valueStart = colon < 0 ? n : colon + 1;
        if (valueStart < n && l[valueStart] == ' ') {
            valueStart++;
        }
        if (is(l, nameEnd, "data")) {
            String value = new String(l, valueStart, n - valueStart, StandardCharsets.UTF_8);
            if (firstData == null) {
                firstData = value;
            } else {
                int length = (data == null ? firstData.length() : data.length()) + 1 + value.length();
                if (length > MAX_LINE_BYTES) {
                    throw new TooLongException("the provider sent a server-sent event with more than " + MAX_LINE_BYTES
                            + " characters of data without ending it");
                }
                if (data == null) {
                    data = new StringBuilder(length).append(firstData);
                }
                data.append('\n').append(value);
            }
        } else if (is(l, nameEnd, "event")) {
            eventName = new String(l, valueStart, n - valueStart, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields are ignored.
    }

    private static boolean is(byte[] l, int length, String name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (l[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void dispatch(Listener listener) {
        String first = firstData;
        StringBuilder joined = data;
        String name = eventName;
        firstData = null;
        data = null;
        eventName = null;
        if (first != null) {
            listener.onEvent(name, joined == null ? first : joined.toString());
        }
    }
}
