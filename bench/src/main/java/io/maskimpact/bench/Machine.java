package io.maskimpact.bench;

import java.time.LocalDate;

/** One line describing where a benchmark ran, for docs/BENCHMARKS.md. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        return String.format("Machine: %s %s, %d cores, %d GiB max heap, Java %s; run on %s.",
                System.getProperty("os.name"), System.getProperty("os.arch"), rt.availableProcessors(),
                rt.maxMemory() >> 30, System.getProperty("java.version"), LocalDate.now());
    }
}
