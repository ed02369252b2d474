/**
 * The output contract of a mask-impact run: table and column names, types and sort key
 * ({@link io.maskimpact.schema.OutputSchema}), shared by the job that writes the tables, the
 * functions and queries that read them, the notebooks and (as a mirrored list) the viewer.
 */
package io.maskimpact.schema;
