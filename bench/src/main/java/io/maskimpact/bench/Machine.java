package io.maskimpact.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;

/** Where a benchmark ran, for docs/BENCHMARKS.md: the machine and how busy it was. */
public final class Machine {
    private Machine() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        return String.format("Machine: %s %s, %d cores, %d GiB max heap, Java %s; run on %s.",
                System.getProperty("os.name"), System.getProperty("os.arch"), rt.availableProcessors(),
                rt.maxMemory() >> 30, System.getProperty("java.version"), LocalDate.now());
    }

    /** @return the system load average over the last minute, one decimal, or "n/a" where the OS has none */
    public static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", load);
    }

    /**
     * The process's peak resident memory so far (Linux's {@code VmHWM}): Java heap, direct buffers, libtorch's
     * native memory and touched pages of mapped files alike.
     *
     * @return MiB, or -1 where /proc/self/status is not available
     */
    static long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }
}
