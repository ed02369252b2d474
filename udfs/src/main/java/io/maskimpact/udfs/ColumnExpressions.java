package io.maskimpact.udfs;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Converts between a {@link Column} and the Catalyst {@link Expression} it stands for, on Spark 3.5
 * and on Spark 4.
 *
 * <p>Spark 3.5's {@code Column} wraps an expression ({@code new Column(expr)}, {@code column.expr()});
 * Spark 4's wraps a {@code ColumnNode}: an expression goes in through
 * {@code classic.ExpressionUtils.column} and a node comes out, fully converted, through
 * {@code classic.ColumnNodeToExpressionConverter} ({@code ExpressionUtils.expression} would leave a
 * placeholder that the analyzer does not resolve inside a function builder). Neither API exists in
 * the other line, so the one present is found once, by reflection: the same sources then compile
 * and run on both.
 */
final class ColumnExpressions {
    private static final String SPARK4 = "org.apache.spark.sql.classic.";
    private static final MethodHandle TO_COLUMN;
    private static final MethodHandle TO_EXPRESSION;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        ClassLoader loader = Column.class.getClassLoader();
        try {
            if (classExists(SPARK4 + "ExpressionUtils", loader)) {
                TO_COLUMN = lookup.findStatic(Class.forName(SPARK4 + "ExpressionUtils", true, loader), "column",
                        MethodType.methodType(Column.class, Expression.class));
                Class<?> node = Class.forName("org.apache.spark.sql.internal.ColumnNode", true, loader);
                Class<?> converter = Class.forName(SPARK4 + "ColumnNodeToExpressionConverter$", true, loader);
                MethodHandle convert = lookup.findVirtual(converter, "apply", MethodType.methodType(Expression.class, node))
                        .bindTo(converter.getField("MODULE$").get(null));
                TO_EXPRESSION = MethodHandles.filterArguments(convert, 0,
                        lookup.findVirtual(Column.class, "node", MethodType.methodType(node)));
            } else {
                TO_COLUMN = lookup.findConstructor(Column.class, MethodType.methodType(void.class, Expression.class));
                TO_EXPRESSION = lookup.findVirtual(Column.class, "expr", MethodType.methodType(Expression.class));
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("Cannot convert Spark columns to expressions on this Spark version ("
                    + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "): " + e);
        }
    }

    private static boolean classExists(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private ColumnExpressions() {
    }

    /**
     * @param e a Catalyst expression
     * @return a column that computes it
     */
    static Column column(Expression e) {
        try {
            return (Column) TO_COLUMN.invokeExact(e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * @param c a column
     * @return the expression it computes
     */
    static Expression expression(Column c) {
        try {
            return (Expression) TO_EXPRESSION.invokeExact(c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
