/**
 * The {@code bench} command line (picocli): {@link io.maskimpact.bench.cli.BenchCommand} with one
 * class per benchmark ({@code engine}, {@code storage}, {@code throughput}, {@code cost}), each
 * writing its section of docs/BENCHMARKS.md through the {@link io.maskimpact.bench.cli.DocOptions}
 * mixin. Its own {@code main}, run by {@code ./submit.sh bench}, keeps the benchmarks out of the
 * job's jars.
 */
package io.maskimpact.bench.cli;
