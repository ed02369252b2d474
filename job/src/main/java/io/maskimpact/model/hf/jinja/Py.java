package io.maskimpact.model.hf.jinja;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Template values with Python's semantics, since jinja2 evaluates templates as Python objects: {@code str()}
 * and {@code repr()} formatting, truthiness, equality and ordering, arithmetic, {@code json.dumps}.
 *
 * <p>Representation: str = {@link String} (indexed by code point, as Python does), int = {@link Long},
 * float = {@link Double}, bool = {@link Boolean}, None = {@code null}, list = {@link List}, tuple =
 * {@link Tuple}, dict = {@link Map} (insertion ordered), and {@link Undefined}, {@link Iter} (a generator,
 * what several jinja2 filters return), {@link DictView} ({@code dict.items()} and friends).
 */
final class Py {
    private Py() {
    }

    /** A Python tuple. */
    record Tuple(List<Object> items) {
    }

    /** jinja2's default Undefined: empty when printed, false, empty when iterated, an error for anything else. */
    record Undefined(String hint) {
        TemplateError error() {
            return TemplateError.render(hint);
        }
    }

    /** A one-shot iterator (Python generator): truthy even when empty, no len(), printing it is refused. */
    static final class Iter {
        private final List<Object> items;
        private boolean consumed;

        Iter(List<Object> items) {
            this.items = items;
        }

        List<Object> drain() {
            if (consumed) {
                return List.of();
            }
            consumed = true;
            return items;
        }
    }

    /** {@code dict.items()}, {@code keys()} or {@code values()}: iterable, printed as Python prints it. */
    record DictView(String kind, List<Object> items) {
    }

    /** jinja2's {@code namespace()}: the one object a template may assign attributes on. */
    static final class Namespace {
        final Map<String, Object> attrs = new LinkedHashMap<>();
    }

    // ---- conversion of caller values ----

    static Object fromJava(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(fromJava(k), fromJava(val)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(x -> out.add(fromJava(x)));
            return out;
        }
        throw new IllegalArgumentException("Cannot pass a " + v.getClass().getName() + " to a chat template"
                + " (expected String, Number, Boolean, null, List or Map)");
    }

    // ---- type names for error messages ----

    static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Tuple) {
            return "tuple";
        }
        if (v instanceof Map) {
            return "dict";
        }
        if (v instanceof Undefined) {
            return "Undefined";
        }
        if (v instanceof Namespace) {
            return "Namespace";
        }
        return v.getClass().getSimpleName();
    }

    // ---- str / repr ----

    /** Python's {@code str(v)}, as {@code {{ v }}} prints it; Undefined prints as the empty string. */
    static String str(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Undefined) {
            return "";
        }
        return repr(v);
    }

    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof String s) {
            return stringRepr(s);
        }
        if (v instanceof List<?> l) {
            return join(l, "[", "]");
        }
        if (v instanceof Tuple t) {
            return t.items().size() == 1 ? "(" + repr(t.items().get(0)) + ",)" : join(t.items(), "(", ")");
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, val) -> sb.append(sb.length() > 1 ? ", " : "").append(repr(k)).append(": ").append(repr(val)));
            return sb.append('}').toString();
        }
        if (v instanceof DictView view) {
            return "dict_" + view.kind() + "(" + join(view.items(), "[", "]") + ")";
        }
        if (v instanceof Undefined) {
            return "Undefined";
        }
        throw TemplateError.unsupported("printing a " + typeName(v) + " (Python prints its memory address)");
    }

    private static String join(List<?> items, String open, String close) {
        StringBuilder sb = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(repr(items.get(i)));
        }
        return sb.append(close).toString();
    }

    static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (isPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp < 0x100) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        });
        return sb.append(quote).toString();
    }

    /** Python's str.isprintable for one code point (Unicode categories C* and Z* other than ' ' are not). */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** Python's float repr: the shortest digits that read back as the same double. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        String sci = null;
        for (int precision = 0; precision < 17; precision++) {
            sci = String.format(Locale.ROOT, "%." + precision + "e", d);
            if (Double.parseDouble(sci) == d) {
                break;
            }
        }
        int e = sci.indexOf('e');
        String mantissa = sci.substring(0, e);
        int exponent = Integer.parseInt(sci.substring(e + 1));
        boolean negative = mantissa.startsWith("-");
        String digits = mantissa.replace("-", "").replace(".", "");
        digits = digits.replaceAll("0+$", "");
        if (digits.isEmpty()) {
            digits = "0";
        }
        String sign = negative ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = new BigDecimal(new java.math.BigInteger(digits), digits.length() - 1 - exponent).toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String m = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + m + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    // ---- truthiness, equality, ordering ----

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof Tuple t) {
            return !t.items().isEmpty();
        }
        if (v instanceof DictView view) {
            return !view.items().isEmpty();
        }
        return true;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static double toDouble(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    static long toLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static boolean isIntLike(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean eq(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            return isIntLike(a) && isIntLike(b) ? toLong(a) == toLong(b) : toDouble(a) == toDouble(b);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            return listEq(la, lb);
        }
        if (a instanceof Tuple ta && b instanceof Tuple tb) {
            return listEq(ta.items(), tb.items());
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object key = findKey(mb, e.getKey());
                if (key == NO_KEY || !eq(e.getValue(), mb.get(key))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        return a == b;
    }

    private static boolean listEq(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!eq(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static final Object NO_KEY = new Object();

    /** The key of {@code m} equal to {@code key} in Python's sense (1 == 1.0 == True), or {@link #NO_KEY}. */
    static Object findKey(Map<?, ?> m, Object key) {
        if (m.containsKey(key)) {
            return key;
        }
        for (Object k : m.keySet()) {
            if (eq(k, key)) {
                return k;
            }
        }
        return NO_KEY;
    }

    static int compare(Object a, Object b, String op) {
        if (isNumber(a) && isNumber(b)) {
            return isIntLike(a) && isIntLike(b) ? Long.compare(toLong(a), toLong(b)) : Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof String sa && b instanceof String sb) {
            return compareCodePoints(sa, sb);
        }
        if ((a instanceof List && b instanceof List) || (a instanceof Tuple && b instanceof Tuple)) {
            List<?> la = a instanceof Tuple ta ? ta.items() : (List<?>) a;
            List<?> lb = b instanceof Tuple tb ? tb.items() : (List<?>) b;
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!eq(la.get(i), lb.get(i))) {
                    return compare(la.get(i), lb.get(i), op);
                }
            }
            return Integer.compare(la.size(), lb.size());
        }
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateError.render("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    static int compareCodePoints(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return Integer.compare(x.length, y.length);
    }

    // ---- iteration and length ----

    /** The items a for loop (or list()) sees; errors for what Python cannot iterate. */
    static List<Object> iterate(Object v) {
        if (v instanceof Undefined) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Tuple t) {
            return t.items();
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            List<Object> chars = new ArrayList<>();
            s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            return chars;
        }
        if (v instanceof Iter it) {
            return it.drain();
        }
        if (v instanceof DictView view) {
            return view.items();
        }
        throw TemplateError.render("'" + typeName(v) + "' object is not iterable");
    }

    static boolean isIterable(Object v) {
        return v instanceof String || v instanceof List || v instanceof Tuple || v instanceof Map || v instanceof Iter
                || v instanceof DictView || v instanceof Undefined;
    }

    static long len(Object v) {
        if (v instanceof String s) {
            return s.codePointCount(0, s.length());
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Tuple t) {
            return t.items().size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof DictView view) {
            return view.items().size();
        }
        if (v instanceof Undefined) {
            return 0;
        }
        throw TemplateError.render("object of type '" + typeName(v) + "' has no len()");
    }

    // ---- whitespace as Python's str.isspace / str.strip see it ----

    static boolean isWhitespace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1c && c <= 0x1f);
    }

    static boolean isAllWhitespace(String s) {
        return !s.isEmpty() && s.codePoints().allMatch(Py::isWhitespace);
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (chars == null ? !isWhitespace(cp) : chars.indexOf(cp) < 0) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0) {
            int cp = s.codePointBefore(i);
            if (chars == null ? !isWhitespace(cp) : chars.indexOf(cp) < 0) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    // ---- json.dumps(x, ensure_ascii=False, indent, separators, sort_keys) ----

    static String toJson(Object v, Object indent, String itemSep, String keySep, boolean sortKeys) {
        String unit = indent == null ? null
                : indent instanceof String s ? s : " ".repeat((int) Math.max(0, toLong(indent)));
        if (itemSep == null) {
            itemSep = unit == null ? ", " : ",";
        }
        if (keySep == null) {
            keySep = ": ";
        }
        StringBuilder sb = new StringBuilder();
        json(v, unit, itemSep, keySep, sortKeys, 0, sb);
        return sb.toString();
    }

    private static void json(Object v, String unit, String itemSep, String keySep, boolean sortKeys, int depth,
                             StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Long) {
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
        } else if (v instanceof String s) {
            jsonString(s, sb);
        } else if (v instanceof List || v instanceof Tuple) {
            List<?> items = v instanceof Tuple t ? t.items() : (List<?>) v;
            if (items.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < items.size(); i++) {
                sb.append(i > 0 ? itemSep : "");
                newline(unit, depth + 1, sb);
                json(items.get(i), unit, itemSep, keySep, sortKeys, depth + 1, sb);
            }
            newline(unit, depth, sb);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) {
                entries.sort((x, y) -> compare(x.getKey(), y.getKey(), "<"));
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                sb.append(first ? "" : itemSep);
                first = false;
                newline(unit, depth + 1, sb);
                Object key = e.getKey();
                if (key instanceof String s) {
                    jsonString(s, sb);
                } else if (key == null || key instanceof Boolean || key instanceof Long || key instanceof Double) {
                    StringBuilder k = new StringBuilder();
                    json(key, null, itemSep, keySep, sortKeys, 0, k);
                    jsonString(k.toString(), sb);
                } else {
                    throw TemplateError.render("keys must be str, int, float, bool or None, not " + typeName(key));
                }
                sb.append(keySep);
                json(e.getValue(), unit, itemSep, keySep, sortKeys, depth + 1, sb);
            }
            newline(unit, depth, sb);
            sb.append('}');
        } else {
            throw TemplateError.render("Object of type " + typeName(v) + " is not JSON serializable");
        }
    }

    private static void newline(String unit, int depth, StringBuilder sb) {
        if (unit != null) {
            sb.append('\n').append(unit.repeat(depth));
        }
    }

    private static void jsonString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
