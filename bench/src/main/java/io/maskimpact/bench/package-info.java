/**
 * Rerunnable benchmarks whose results go to {@code docs/BENCHMARKS.md}: each measures ratios
 * within one run (the machines are noisy) and prints the machine and the command with the numbers.
 */
package io.maskimpact.bench;
