/**
 * Output of a run: the pair results as Spark rows ({@link io.maskimpact.output.TableRows}), the
 * table writers ({@link io.maskimpact.output.TableWriter}: ZSTD Parquet or Delta through Spark's
 * commit protocol, {@code impact} partitioned by generation step and sorted inside each file),
 * the run folder's own files ({@link io.maskimpact.output.RunFolder}), {@code _manifest.json}
 * ({@link io.maskimpact.output.RunManifest}, written last), footer facts and the CSV export.
 *
 * <p>Column names and types come from {@code io.maskimpact.schema.OutputSchema} (module
 * {@code udfs}), the one place they are spelled out.
 */
package io.maskimpact.output;
