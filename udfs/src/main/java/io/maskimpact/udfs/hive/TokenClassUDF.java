package io.maskimpact.udfs.hive;

import io.maskimpact.udfs.TokenClass;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorConverters;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;

/**
 * {@code mi_token_class(text [, marks_word_starts])} as a Hive GenericUDF, for
 * {@code CREATE TEMPORARY FUNCTION mi_token_class AS 'io.maskimpact.udfs.hive.TokenClassUDF' USING JAR ...}
 * in a Hive-enabled session such as the {@code spark-sql} shell. Same results as the function that
 * {@link io.maskimpact.udfs.MaskImpactFunctions#register} installs ({@link TokenClass}).
 */
@Description(name = "mi_token_class",
        value = "_FUNC_(text [, marks_word_starts]) - special, space, punctuation, number, wordpiece, stopword or word")
public final class TokenClassUDF extends GenericUDF {

    private transient ObjectInspectorConverters.Converter text;
    private transient ObjectInspectorConverters.Converter marks;

    @Override
    public ObjectInspector initialize(ObjectInspector[] arguments) throws UDFArgumentException {
        if (arguments.length < 1 || arguments.length > 2) {
            throw new UDFArgumentException("Cannot call mi_token_class with " + arguments.length
                    + " arguments (expected 1 or 2): mi_token_class(text [, marks_word_starts])");
        }
        text = ObjectInspectorConverters.getConverter(arguments[0],
                PrimitiveObjectInspectorFactory.javaStringObjectInspector);
        marks = arguments.length == 2 ? ObjectInspectorConverters.getConverter(arguments[1],
                PrimitiveObjectInspectorFactory.javaBooleanObjectInspector) : null;
        return PrimitiveObjectInspectorFactory.javaStringObjectInspector;
    }

    @Override
    public Object evaluate(DeferredObject[] arguments) throws HiveException {
        String value = (String) text.convert(arguments[0].get());
        boolean marksWordStarts = marks != null && Boolean.TRUE.equals(marks.convert(arguments[1].get()));
        TokenClass c = TokenClass.of(value, marksWordStarts);
        return c == null ? null : c.sqlName();
    }

    @Override
    public String getDisplayString(String[] children) {
        return getStandardDisplayString("mi_token_class", children);
    }
}
