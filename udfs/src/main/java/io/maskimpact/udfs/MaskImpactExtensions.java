package io.maskimpact.udfs;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Registers the mask-impact SQL functions in every session a Spark application starts, through
 * Spark's extension point.
 *
 * <pre>
 * spark-sql --jars mask-impact-udfs.jar \
 *   --conf spark.sql.extensions=io.maskimpact.udfs.MaskImpactExtensions
 * </pre>
 *
 * <p>{@code spark.sql.extensions} takes a comma-separated list, e.g. with Delta Lake:
 * {@code io.delta.sql.DeltaSparkSessionExtension,io.maskimpact.udfs.MaskImpactExtensions}. This is
 * the way to get {@code mi_normalize} in a shell, because that function is an expression rewrite
 * and cannot be created with {@code CREATE FUNCTION}.
 */
public final class MaskImpactExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"}) // the builder's type differs between Scala 2.12 and 2.13
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (MaskImpactFunctions.SqlFunction f : MaskImpactFunctions.functions()) {
            extensions.injectFunction(new Tuple3(f.identifier(), f.info(), f.builderForSpark()));
        }
        return BoxedUnit.UNIT;
    }
}
