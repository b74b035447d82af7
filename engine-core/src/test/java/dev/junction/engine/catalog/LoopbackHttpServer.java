package dev.junction.engine.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 for tests: one connection at a time, {@code Connection: close}, GET only.
 * Written with plain sockets because engine-core's module does not read {@code jdk.httpserver}.
 */
final class LoopbackHttpServer implements AutoCloseable {
    /** A request as the handler sees it: path and lower-cased header names. */
    record Request(String method, String path, Map<String, String> headers) {
    }

    /** A response: status, headers, body (may be empty). */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private final ServerSocket socket;
    private final Thread acceptor;

    LoopbackHttpServer(Function<Request, Response> handler) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("loopback-http").start(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    serve(s, handler);
                } catch (IOException e) {
                    // closed, or the client went away: next connection
                }
            }
        });
    }

    int port() {
        return socket.getLocalPort();
    }

    private static void serve(Socket s, Function<Request, Response> handler) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        if (line == null) {
            return;
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        Response r = handler.apply(new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers));
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status()))
                .append("\r\nConnection: close\r\n");
        r.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        boolean hasBody = r.status() != 304 && r.status() != 204;
        if (hasBody) {
            head.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (hasBody) {
            out.write(r.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 304 -> "Not Modified";
            case 404 -> "Not Found";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
