package io.maskimpact.udfs.hive;

import io.maskimpact.schema.OutputSchema;
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
import org.apache.hadoop.hive.serde2.objectinspector.StructField;
import org.apache.hadoop.hive.serde2.objectinspector.StructObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;

/**
 * {@code mi_patch_box(patch_row, patch_col, region)} and
 * {@code mi_patch_box(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height)} as a
 * Hive GenericUDF, for {@code CREATE TEMPORARY FUNCTION mi_patch_box AS
 * 'io.maskimpact.udfs.hive.PatchBoxUDF' USING JAR ...} in a Hive-enabled session such as the
 * {@code spark-sql} shell. Returns the same struct as the function that
 * {@link MaskImpactFunctions#register} installs ({@link PatchBox}).
 */
@Description(name = "mi_patch_box",
        value = "_FUNC_(patch_row, patch_col, region) or "
                + "_FUNC_(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height) - "
                + "struct<x, y, width, height, center_x, center_y> of the cell in pixels")
public final class PatchBoxUDF extends GenericUDF {

    /** The numbers {@link PatchBox#inRegion} takes; the region form reads the last six from the struct. */
    private static final int ARGS = 8;
    /** The region struct's fields, in {@link PatchBox#inRegion}'s order after row and column. */
    private static final List<String> REGION_FIELDS = List.of(OutputSchema.GRID_ROWS, OutputSchema.GRID_COLS,
            OutputSchema.BOX_X, OutputSchema.BOX_Y, OutputSchema.BOX_WIDTH, OutputSchema.BOX_HEIGHT);

    private transient ObjectInspectorConverters.Converter[] converters;
    /** The region argument's inspector and fields; null in the six-argument form. */
    private transient StructObjectInspector region;
    private transient List<StructField> regionFields;

    @Override
    public ObjectInspector initialize(ObjectInspector[] arguments) throws UDFArgumentException {
        if (arguments.length != 3 && arguments.length != 6) {
            throw new UDFArgumentException("Cannot call mi_patch_box with " + arguments.length + " arguments"
                    + " (expected 3 or 6): mi_patch_box(patch_row, patch_col, region) or"
                    + " mi_patch_box(patch_row, patch_col, grid_rows, grid_cols, image_width, image_height)");
        }
        ObjectInspector[] numbers = arguments;
        if (arguments.length == 3) {
            if (!(arguments[2] instanceof StructObjectInspector s)) {
                throw new UDFArgumentException("Cannot call mi_patch_box: its third argument must be a region struct"
                        + " (pairs.regions[image_index]), got " + arguments[2].getTypeName());
            }
            region = s;
            regionFields = new ArrayList<>();
            numbers = new ObjectInspector[ARGS];
            numbers[0] = arguments[0];
            numbers[1] = arguments[1];
            for (int i = 0; i < REGION_FIELDS.size(); i++) {
                StructField f;
                try {
                    f = s.getStructFieldRef(REGION_FIELDS.get(i));
                } catch (RuntimeException e) {
                    throw new UDFArgumentException("Cannot call mi_patch_box: the region struct has no field "
                            + REGION_FIELDS.get(i) + " (" + arguments[2].getTypeName() + ")");
                }
                regionFields.add(f);
                numbers[i + 2] = f.getFieldObjectInspector();
            }
        } else {
            // the image's whole extent: a box at the origin
            numbers = new ObjectInspector[] {arguments[0], arguments[1], arguments[2], arguments[3],
                PrimitiveObjectInspectorFactory.javaIntObjectInspector,
                PrimitiveObjectInspectorFactory.javaIntObjectInspector, arguments[4], arguments[5]};
        }
        converters = new ObjectInspectorConverters.Converter[ARGS];
        for (int i = 0; i < ARGS; i++) {
            converters[i] = ObjectInspectorConverters.getConverter(numbers[i], i < 4
                    ? PrimitiveObjectInspectorFactory.javaIntObjectInspector
                    : PrimitiveObjectInspectorFactory.javaDoubleObjectInspector);
        }
        // Spark unwraps struct fields of a GenericUDF's result as Hadoop writables.
        List<String> names = new ArrayList<>();
        List<ObjectInspector> fields = new ArrayList<>();
        for (org.apache.spark.sql.types.StructField f : MaskImpactFunctions.PATCH_BOX_TYPE.fields()) {
            names.add(f.name());
            fields.add(PrimitiveObjectInspectorFactory.writableDoubleObjectInspector);
        }
        return ObjectInspectorFactory.getStandardStructObjectInspector(names, fields);
    }

    @Override
    public Object evaluate(DeferredObject[] arguments) throws HiveException {
        Object[] raw = new Object[ARGS];
        raw[0] = arguments[0].get();
        raw[1] = arguments[1].get();
        if (region != null) {
            Object struct = arguments[2].get();
            if (struct == null) {
                return null;
            }
            for (int i = 0; i < regionFields.size(); i++) {
                raw[i + 2] = region.getStructFieldData(struct, regionFields.get(i));
            }
        } else {
            raw[2] = arguments[2].get();
            raw[3] = arguments[3].get();
            raw[4] = 0;
            raw[5] = 0;
            raw[6] = arguments[4].get();
            raw[7] = arguments[5].get();
        }
        Object[] values = new Object[ARGS];
        for (int i = 0; i < ARGS; i++) {
            values[i] = converters[i].convert(raw[i]);
            if (values[i] == null) {
                return null;
            }
        }
        PatchBox b;
        try {
            b = PatchBox.inRegion((Integer) values[0], (Integer) values[1], (Integer) values[2], (Integer) values[3],
                    (Double) values[4], (Double) values[5], (Double) values[6], (Double) values[7]);
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
