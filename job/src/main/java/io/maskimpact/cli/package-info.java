/**
 * The {@code mask-impact} command line (picocli): one class per subcommand ({@code run},
 * {@code demo}, {@code serve}, {@code query}, {@code analyze}, {@code toy-data}) listed on
 * {@link io.maskimpact.cli.MaskImpact}, shared options as mixins, exit codes in
 * {@link io.maskimpact.cli.ExitCodes}.
 *
 * <p>Commands only turn options into settings and print; the work happens in
 * {@code io.maskimpact.run}. Every command returns its exit code and only
 * {@link io.maskimpact.cli.MaskImpact#main} exits the JVM, so tests run the real command line
 * in-process with {@code MaskImpact.commandLine().execute(args)}.
 */
package io.maskimpact.cli;
