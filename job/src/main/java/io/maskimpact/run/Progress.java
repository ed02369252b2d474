package io.maskimpact.run;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Progress of a run on the driver: pairs done out of the total, throughput and time left.
 *
 * <p>A {@link SparkListener} that follows the run's "pairs done" accumulator: finished tasks
 * count with their final value, running tasks with the value their executor last sent in a
 * heartbeat ({@code spark.executor.heartbeatInterval}), so the count moves while a long task
 * runs, and a failed attempt's pairs stop counting when it fails. A daemon thread prints one
 * line every {@code intervalSeconds} while the count changes.
 */
final class Progress extends SparkListener implements AutoCloseable {
    private final long accumulatorId;
    private final LongAccumulator failed;
    private final long total;
    private final PrintWriter out;
    private final long startNanos = System.nanoTime();
    private final AtomicLong finished = new AtomicLong();
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final Thread reporter;
    private volatile boolean closed;

    /**
     * @param pairsDone the accumulator tasks add 1 to per pair
     * @param failed the accumulator of failed pairs (read at task ends only)
     * @param total pairs this run analyses
     * @param out where the lines go
     * @param intervalSeconds seconds between lines
     */
    Progress(LongAccumulator pairsDone, LongAccumulator failed, long total, PrintWriter out, int intervalSeconds) {
        this.accumulatorId = pairsDone.id();
        this.failed = failed;
        this.total = total;
        this.out = out;
        this.reporter = new Thread(() -> report(intervalSeconds), "mask-impact-progress");
        reporter.setDaemon(true);
        reporter.start();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // "? extends": Scala 2.12's element is a collection.Seq, 2.13's an immutable.Seq
        for (Tuple4<Object, Object, Object, ? extends scala.collection.Seq<AccumulableInfo>> t
                : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            Long value = valueOf(t._4());
            if (value != null) {
                running.put((Long) t._1(), value);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        long taskId = end.taskInfo().taskId();
        running.remove(taskId);
        if (end.reason() == Success$.MODULE$) {
            Long value = valueOf(end.taskInfo().accumulables());
            if (value != null) {
                finished.addAndGet(value);
            }
        }
    }

    /** @return pairs done so far, including running tasks' last reported counts */
    long done() {
        return finished.get() + running.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the progress line */
    String line() {
        long done = Math.min(done(), total);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = done == 0 || rate == 0 ? "?" : RunReport.duration((total - done) / rate);
        return String.format("[mask-impact] %d/%d pairs (%d%%), %d failed, %.2f pairs/s, elapsed %s, ETA %s",
                done, total, total == 0 ? 100 : done * 100 / total, failed.value(), rate,
                RunReport.duration(seconds), eta);
    }

    private void report(int intervalSeconds) {
        long last = -1;
        while (!closed) {
            try {
                Thread.sleep(intervalSeconds * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            long now = done();
            if (!closed && now != last) {
                out.println(line());
                out.flush();
                last = now;
            }
        }
    }

    private Long valueOf(scala.collection.Seq<AccumulableInfo> infos) {
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
            if (info.id() == accumulatorId && info.update().isDefined()) {
                Object v = info.update().get();
                if (v instanceof Number n) {
                    return n.longValue();
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        reporter.interrupt();
    }
}
