package dev.junction.cache;

import java.nio.file.Path;

/**
 * The child process of {@link CrashSafetyTest}: creates a cache and puts entries forever, printing {@code PUT <i>}
 * after each put has returned, until it is killed.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        ChronicleSemanticCache cache = ChronicleSemanticCache.create(CrashSafetyTest.config(file));
        System.out.println("READY");
        System.out.flush();
        for (int i = 0; ; i++) {
            cache.put(CrashSafetyTest.entryNumber(i));
            System.out.println("PUT " + i);
            System.out.flush();
        }
    }
}
