/**
 * Input of a run: reading the pair manifest (CSV, JSON Lines, Parquet) through Spark, checking
 * its rows, resolving image references against the manifest's folder, and decoding images
 * through Hadoop's FileSystem.
 *
 * <p>Two kinds of failure: a manifest that cannot be used at all ({@link
 * io.maskimpact.input.ManifestException}, the run stops before any Spark work) and a row or image
 * that cannot be used (one {@code errors} row, the run goes on). Every message is built in
 * {@link io.maskimpact.input.InputErrors}.
 */
package io.maskimpact.input;
