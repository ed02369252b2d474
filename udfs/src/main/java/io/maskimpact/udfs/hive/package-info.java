/**
 * Hive GenericUDF forms of the scalar mask-impact functions, for {@code CREATE TEMPORARY FUNCTION
 * ... USING JAR} in a Hive-enabled session (the {@code spark-sql} shell is one).
 *
 * <p>Spark 3.5 creates a function from a class only if the class is a Hive UDF, GenericUDF,
 * UDAF or UDTF (Hive-enabled sessions) or a {@code UserDefinedAggregateFunction} (any session); a
 * Java {@code UDF1..UDF22} is not accepted. So the scalar functions live here as GenericUDFs, the
 * aggregate {@code mi_top_tokens} is {@link io.maskimpact.udfs.TopTokens} itself, and
 * {@code mi_normalize}, a rewrite into window aggregates, is available only through
 * {@link io.maskimpact.udfs.MaskImpactFunctions#register} or
 * {@link io.maskimpact.udfs.MaskImpactExtensions}. The classes compile against {@code hive-exec},
 * which a Spark distribution with Hive support provides; nothing else in this jar loads them.
 *
 * <pre>
 * CREATE TEMPORARY FUNCTION mi_token_class AS 'io.maskimpact.udfs.hive.TokenClassUDF' USING JAR '/path/mask-impact-udfs.jar';
 * CREATE TEMPORARY FUNCTION mi_patch_box   AS 'io.maskimpact.udfs.hive.PatchBoxUDF'   USING JAR '/path/mask-impact-udfs.jar';
 * CREATE TEMPORARY FUNCTION mi_top_tokens  AS 'io.maskimpact.udfs.TopTokens'          USING JAR '/path/mask-impact-udfs.jar';
 * </pre>
 */
package io.maskimpact.udfs.hive;
