package dev.junction.plugin.common;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SseParserTest {

    private static List<String> parse(byte[] bytes, int... cuts) {
        List<String> out = new ArrayList<>();
        SseParser p = new SseParser();
        int from = 0;
        for (int cut : cuts) {
            p.feed(ByteBuffer.wrap(bytes, from, cut - from), (e, d) -> out.add(e + "|" + d));
            from = cut;
        }
        p.feed(ByteBuffer.wrap(bytes, from, bytes.length - from), (e, d) -> out.add(e + "|" + d));
        return out;
    }

    @Test
    void parsesEventsDataLinesAndComments() {
        String wire = ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\ndata: line1\ndata:line2\nid: 7\nretry: 10\n\n"
                + "event: ping\ndata: {\"type\": \"ping\"}\n\n";
        assertEquals(List.of("message_start|{\"a\":1}", "null|line1\nline2", "ping|{\"type\": \"ping\"}"),
                parse(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void acceptsCrLfAndBareCrLineEnds() {
        String wire = "data: a\r\n\r\ndata: b\r\rdata: c\n\n";
        assertEquals(List.of("null|a", "null|b", "null|c"), parse(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void dropsAnUnfinishedEventAndIgnoresEventsWithoutData() {
        String wire = "event: lonely\n\ndata: complete\n\ndata: unfinished";
        assertEquals(List.of("null|complete"), parse(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void crLfSplitAcrossChunksIsOneLineEnd() {
        byte[] wire = "data: a\r\n\r\ndata: b\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("null|a", "null|b"), parse(wire, 8, 9, 10));
    }

    /** Regression guard for chunk boundaries anywhere, including inside multi-byte UTF-8 sequences. */
    @RepeatedTest(50)
    void anyChunkingYieldsTheSameEvents() {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        Random random = new Random(sb.hashCode() ^ System.nanoTime());
        for (int i = 0; i < 40; i++) {
            String data = "{\"text\":\"délta " + i + " – 日本語 🚀\"}";
            String name = i % 3 == 0 ? "content_block_delta" : null;
            String eol = switch (i % 3) {
                case 0 -> "\n";
                case 1 -> "\r\n";
                default -> "\r";
            };
            if (name != null) {
                sb.append("event: ").append(name).append(eol);
            }
            sb.append("data: ").append(data).append(eol).append(eol);
            expected.add(name + "|" + data);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        int n = random.nextInt(30);
        int[] cuts = random.ints(n, 0, bytes.length).sorted().distinct().toArray();
        assertEquals(expected, parse(bytes, cuts), "cuts at " + java.util.Arrays.toString(cuts));
    }

    /** The HTML standard's event-stream parsing ignores one leading U+FEFF; the parser claims to follow it. */
    @Test
    void aLeadingByteOrderMarkDoesNotLoseTheFirstEvent() {
        byte[] wire = "\uFEFFdata: first\n\ndata: second\n\n".getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        new SseParser().feed(ByteBuffer.wrap(wire), (e, d) -> out.add(d));
        assertEquals(List.of("first", "second"), out);
    }

    @Test
    void aByteOrderMarkSplitAcrossChunksIsIgnoredAndANonBomPrefixIsKept() {
        byte[] wire = "\uFEFFdata: first\n\n".getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        SseParser p = new SseParser();
        for (byte b : wire) {
            p.feed(ByteBuffer.wrap(new byte[]{b}), (e, d) -> out.add(d));
        }
        assertEquals(List.of("first"), out);
        List<String> plain = new ArrayList<>();
        new SseParser().feed(ByteBuffer.wrap("data: x\n\n".getBytes(StandardCharsets.UTF_8)), (e, d) -> plain.add(d));
        assertEquals(List.of("x"), plain);
    }

    @Test
    void aLineOverTheCapIsRefusedInsteadOfBuffered() {
        SseParser p = new SseParser();
        byte[] piece = new byte[64 * 1024];
        java.util.Arrays.fill(piece, (byte) 'x');
        p.feed("data: ".getBytes(StandardCharsets.UTF_8), 0, 6, (e, d) -> { });
        long fed = 6;
        try {
            while (fed <= 2L * SseParser.MAX_LINE_BYTES) {
                p.feed(piece, 0, piece.length, (e, d) -> { });
                fed += piece.length;
            }
            fail("a line of " + fed + " bytes was buffered");
        } catch (SseParser.TooLongException e) {
            assertTrue(fed <= SseParser.MAX_LINE_BYTES, "refused only after " + fed + " bytes");
            assertTrue(e.getMessage().contains("line longer than " + SseParser.MAX_LINE_BYTES), e.getMessage());
        }
    }

    @Test
    void aLineOfExactlyTheCapIsRead() {
        String data = "y".repeat(SseParser.MAX_LINE_BYTES - "data: ".length());
        List<String> out = parse(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8), 1000, 5_000_000);
        assertEquals(List.of("null|" + data), out);
    }

    @Test
    void anEventWhoseDataGrowsOverTheCapIsRefused() {
        SseParser p = new SseParser();
        byte[] line = ("data: " + "z".repeat(1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
        int lines = 0;
        try {
            while (lines <= 2 * SseParser.MAX_LINE_BYTES / (1024 * 1024)) {
                p.feed(line, 0, line.length, (e, d) -> fail("no event ends"));
                lines++;
            }
            fail(lines + " data lines of one event were buffered");
        } catch (SseParser.TooLongException e) {
            assertTrue(lines <= SseParser.MAX_LINE_BYTES / (1024 * 1024), "refused only after " + lines + " lines");
        }
    }
}
