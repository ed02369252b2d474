package io.maskimpact.udfs.hive;

import io.maskimpact.udfs.MaskImpactFunctions;
import io.maskimpact.udfs.PatchBox;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorConverters;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorFactory;
import org.apache.hadoop.hive.serde2.io.DoubleWritable;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;
import org.apache.spark.sql.types.StructField;

/**
 * {@code mi_patch_box(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height)} as a
 * Hive GenericUDF, for {@code CREATE TEMPORARY FUNCTION mi_patch_box AS
 * 'io.maskimpact.udfs.hive.PatchBoxUDF' USING JAR ...} in a Hive-enabled session such as the
 * {@code spark-sql} shell. Returns the same struct as the function that
 * {@link MaskImpactFunctions#register} installs ({@link PatchBox}).
 */
@Description(name = "mi_patch_box",
        value = "_FUNC_(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height) - "
                + "struct<x, y, width, height, center_x, center_y> of the cell in pixels")
public final class PatchBoxUDF extends GenericUDF {

    private static final int ARGS = 6;

    private transient ObjectInspectorConverters.Converter[] converters;

    @Override
    public ObjectInspector initialize(ObjectInspector[] arguments) throws UDFArgumentException {
        if (arguments.length != ARGS) {
            throw new UDFArgumentException("Cannot call mi_patch_box with " + arguments.length + " arguments"
                    + " (expected 6): mi_patch_box(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height)");
        }
        converters = new ObjectInspectorConverters.Converter[ARGS];
        for (int i = 0; i < ARGS; i++) {
            converters[i] = ObjectInspectorConverters.getConverter(arguments[i], i < 4
                    ? PrimitiveObjectInspectorFactory.javaIntObjectInspector
                    : PrimitiveObjectInspectorFactory.javaDoubleObjectInspector);
        }
        // Spark unwraps struct fields of a GenericUDF's result as Hadoop writables.
        List<String> names = new ArrayList<>();
        List<ObjectInspector> fields = new ArrayList<>();
        for (StructField f : MaskImpactFunctions.PATCH_BOX_TYPE.fields()) {
            names.add(f.name());
            fields.add(PrimitiveObjectInspectorFactory.writableDoubleObjectInspector);
        }
        return ObjectInspectorFactory.getStandardStructObjectInspector(names, fields);
    }

    @Override
    public Object evaluate(DeferredObject[] arguments) throws HiveException {
        Object[] values = new Object[ARGS];
        for (int i = 0; i < ARGS; i++) {
            values[i] = converters[i].convert(arguments[i].get());
            if (values[i] == null) {
                return null;
            }
        }
        PatchBox b;
        try {
            b = PatchBox.of((Integer) values[0], (Integer) values[1], (Integer) values[2], (Integer) values[3],
                    (Double) values[4], (Double) values[5]);
        } catch (IllegalArgumentException e) {
            throw new HiveException(e.getMessage(), e);
        }
        return new Object[] {new DoubleWritable(b.x()), new DoubleWritable(b.y()), new DoubleWritable(b.width()),
            new DoubleWritable(b.height()), new DoubleWritable(b.centerX()), new DoubleWritable(b.centerY())};
    }

    @Override
    public String getDisplayString(String[] children) {
        return getStandardDisplayString("mi_patch_box", children);
    }
}
