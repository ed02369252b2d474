/**
 * Reading a finished run: the engines of the {@code query} and {@code analyze} commands.
 *
 * <p>{@link io.maskimpact.query.RunTables} opens a run folder's tables (Parquet or Delta) as
 * temporary views; {@link io.maskimpact.query.QueryRunner} runs SQL statements over them with the
 * mask-impact functions of the {@code udfs} module registered and prints or saves the results;
 * {@link io.maskimpact.query.RunAnalysis} writes MLlib summaries and KMeans clusters next to the
 * run and lists them in its {@code _manifest.json}. {@link io.maskimpact.query.QuerySessions}
 * starts or joins the Spark session. Failures the user can fix are
 * {@link io.maskimpact.query.QueryException}s with a one-line message. The picocli commands are
 * {@code io.maskimpact.cli.QueryCommand} and {@code AnalyzeCommand}; docs/QUERY.md is the user's guide.
 */
package io.maskimpact.query;
