package dev.junction.plugin.openai;

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
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-connection loopback HTTP/1.1 server: reads the request, then runs a script on the socket, for byte-level
 * misbehaviour the scripted server cannot produce.
 */
final class RawServer implements AutoCloseable {
    interface Script {
        void run(Socket s, OutputStream out, RawServer server) throws Exception;
    }

    private final ServerSocket socket;
    private final Thread thread;
    final CountDownLatch clientClosed = new CountDownLatch(1);
    final AtomicLong bytesWritten = new AtomicLong();

    RawServer(Script script) throws IOException {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            try (Socket s = socket.accept()) {
                InputStream in = s.getInputStream();
                readRequest(in);
                script.run(s, s.getOutputStream(), this);
            } catch (SocketException e) {
                clientClosed.countDown();
            } catch (Exception e) {
                // test server: nothing to do
            }
        }, "raw-server");
        thread.setDaemon(true);
        thread.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    void write(OutputStream out, byte[] b) throws IOException {
        out.write(b);
        out.flush();
        bytesWritten.addAndGet(b.length);
    }

    void chunk(OutputStream out, byte[] b) throws IOException {
        write(out, (Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        write(out, b);
        write(out, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Waits up to maxMillis for the client to close; records it. */
    boolean waitForClose(Socket s, long maxMillis) throws IOException {
        s.setSoTimeout((int) maxMillis);
        try {
            if (s.getInputStream().read() < 0) {
                clientClosed.countDown();
                return true;
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            clientClosed.countDown();
            return true;
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        int contentLength = 0;
        while (true) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) {
                break;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(lower.substring(15).trim());
            }
        }
        in.readNBytes(contentLength);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        thread.interrupt();
    }
}
