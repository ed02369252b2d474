/**
 * Spark SQL functions for the tables of a mask-impact run: the public, stable surface of the
 * {@code mask-impact-udfs} jar.
 *
 * <p>{@link io.maskimpact.udfs.MaskImpactFunctions} lists the functions and registers them in a
 * session with one call; {@link io.maskimpact.udfs.MaskImpactExtensions} does the same through
 * {@code spark.sql.extensions}; the function logic itself ({@link io.maskimpact.udfs.TokenClass},
 * {@link io.maskimpact.udfs.PatchBox}, {@link io.maskimpact.udfs.Normalize},
 * {@link io.maskimpact.udfs.TopTokens}) is plain Java usable without SQL. The jar needs only
 * Spark SQL at run time ({@code io.maskimpact.udfs.hive} needs Hive, and is loaded only on demand).
 */
package io.maskimpact.udfs;
