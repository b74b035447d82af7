package dev.junction.plugin.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP/1.1 server on 127.0.0.1 that answers with {@link ScriptedResponse}s and records every request.
 *
 * <p>Written on plain sockets rather than {@code com.sun.net.httpserver} because the tests need what that server
 * hides: cutting a chunked stream without its final chunk, stalling, and noticing that the client closed the
 * connection while nothing is being written (a blocked read returns end-of-stream). Keep-alive is supported, so tests
 * can check that a client reuses its connections ({@link #connectionCount()}).
 *
 * <p>Thread-safe; one thread per connection. Close it to stop accepting and drop open connections.
 */
public final class LoopbackProviderServer implements AutoCloseable {
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ServerSocket socket;
    private final ExecutorService threads;
    private final Queue<ScriptedResponse> script = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private volatile Function<RecordedRequest, ScriptedResponse> fallback =
            r -> ScriptedResponse.json(500, "{\"error\":{\"message\":\"no scripted response for " + r.target() + "\"}}");
    private volatile boolean closed;

    private LoopbackProviderServer() throws IOException {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-provider-server");
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /** Starts a server on an ephemeral loopback port. */
    public static LoopbackProviderServer start() {
        try {
            return new LoopbackProviderServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback server socket", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** Queues the answer to the next request. */
    public ScriptedResponse enqueue(ScriptedResponse response) {
        script.add(response);
        return response;
    }

    /** Answers requests when nothing is queued (by default: a 500 naming the request). */
    public void whenIdle(Function<RecordedRequest, ScriptedResponse> fallback) {
        this.fallback = fallback;
    }

    /** The next recorded request, waiting up to 10 seconds. */
    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the server received no request");
        }
        return r;
    }

    /** How many requests arrived so far. */
    public int requestCount() {
        return requestCount.get();
    }

    /** How many TCP connections clients opened so far. */
    public int connectionCount() {
        return connectionCount.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                connectionCount.incrementAndGet();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                RecordedRequest request = readRequest(in);
                if (request == null) {
                    return;
                }
                requestCount.incrementAndGet();
                requests.add(request);
                ScriptedResponse response = script.poll();
                if (response == null) {
                    response = fallback.apply(request);
                }
                try {
                    if (!respond(s, in, out, response)) {
                        return;
                    }
                } finally {
                    response.markServed();
                }
            }
        } catch (IOException e) {
            // The client went away; nothing to do.
        } finally {
            open.remove(s);
        }
    }

    /** Serves one response; returns whether the connection may carry another request. */
    private boolean respond(Socket s, InputStream in, OutputStream out, ScriptedResponse r) throws IOException {
        if (!r.delayBeforeHeaders.isZero()) {
            if (waitForClientClose(s, in, min(r.delayBeforeHeaders))) {
                r.markClientClosed();
                return false;
            }
        }
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(r.status).append(' ').append(reason(r.status)).append("\r\n");
        for (Map.Entry<String, String> h : r.headers.entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        try {
            if (!r.isStream()) {
                head.append("content-length: ").append(r.body.length).append("\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(r.body);
                out.flush();
                return true;
            }
            head.append("transfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int sent = 0;
            for (byte[] event : r.events) {
                if (sent == r.cutAfterEvents) {
                    s.close(); // no final chunk: the client sees the body end early
                    return false;
                }
                if (sent == r.stallAfterEvents) {
                    if (waitForClientClose(s, in, ScriptedResponse.MAX_WAIT)) {
                        r.markClientClosed();
                    }
                    return false;
                }
                writeChunk(out, event);
                sent++;
            }
            if (r.cutAfterEvents >= 0 && sent >= r.cutAfterEvents) {
                s.close();
                return false;
            }
            if (r.stallAfterEvents >= 0 && sent >= r.stallAfterEvents) {
                if (waitForClientClose(s, in, ScriptedResponse.MAX_WAIT)) {
                    r.markClientClosed();
                }
                return false;
            }
            if (r.repeatedEvent != null) {
                long deadline = System.nanoTime() + ScriptedResponse.MAX_WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    writeChunk(out, r.repeatedEvent);
                    if (waitForClientClose(s, in, r.repeatInterval)) {
                        r.markClientClosed();
                        return false;
                    }
                }
                return false;
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (SocketException e) {
            r.markClientClosed();
            return false;
        }
    }

    private static Duration min(Duration d) {
        return d.compareTo(ScriptedResponse.MAX_WAIT) > 0 ? ScriptedResponse.MAX_WAIT : d;
    }

    private static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Blocks on a read for at most {@code max}; returns true when the client closed the connection (end of stream or
     * reset). The client sends nothing while it waits for an answer, so a read only returns when it closes.
     */
    private static boolean waitForClientClose(Socket s, InputStream in, Duration max) throws IOException {
        int previous = s.getSoTimeout();
        s.setSoTimeout((int) Math.max(1, max.toMillis()));
        try {
            in.mark(1);
            int b = in.read();
            if (b < 0) {
                return true;
            }
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(previous);
            }
        }
    }

    private static RecordedRequest readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        if (requestLine.isEmpty()) {
            requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
        }
        String[] parts = requestLine.split(" ");
        if (parts.length < 3) {
            throw new IOException("bad request line: " + requestLine);
        }
        Map<String, List<String>> headers = new HashMap<>();
        int total = 0;
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("headers too large");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        byte[] body = new byte[0];
        List<String> length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.get(0)));
        } else if (headers.containsKey("transfer-encoding")) {
            body = readChunked(in);
        }
        return new RecordedRequest(parts[0], parts[1], Map.copyOf(headers), body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("chunked body cut");
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                readLine(in);
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEADER_BYTES) {
                throw new IOException("line too long");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
