/**
 * One run of the job: settings ({@link io.maskimpact.run.JobConf}, resolved once on the driver,
 * the only configuration shipped to executors), the driver's steps
 * ({@link io.maskimpact.run.MaskImpactJob}: inspect output, check model, read manifest, prepare
 * output, plan, analyse and commit, finish), the executor side
 * ({@code AnalyzePairs} in {@code mapPartitions}, with the JVM-wide
 * {@link io.maskimpact.run.ModelCache}), progress and the closing summary.
 *
 * <p>Models are reached through {@link io.maskimpact.run.LoadedModel}: Hugging Face folders through
 * the family registry, run on DJL; tests register a fake family through {@code META-INF/services}.
 */
package io.maskimpact.run;
