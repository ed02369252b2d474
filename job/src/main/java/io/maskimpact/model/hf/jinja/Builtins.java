package io.maskimpact.model.hf.jinja;

import io.maskimpact.model.hf.jinja.Py.Iter;
import io.maskimpact.model.hf.jinja.Py.Tuple;
import io.maskimpact.model.hf.jinja.Py.Undefined;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's filters, tests and globals, the Python methods templates call on strings, lists and dicts, and
 * jinja2's sandboxed attribute and item access ({@code ImmutableSandboxedEnvironment}: no underscore
 * attributes, no mutating methods). Anything jinja2 offers that is not implemented here is refused by name,
 * never approximated.
 */
final class Builtins {
    private Builtins() {
    }

    private static final Set<String> FILTERS = Set.of("abs", "capitalize", "count", "d", "default", "dictsort",
            "first", "float", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
            "reject", "rejectattr", "replace", "reverse", "round", "select", "selectattr", "sort", "string", "sum",
            "title", "tojson", "trim", "unique", "upper");
    private static final Set<String> JINJA_FILTERS = Set.of("attr", "batch", "center", "e", "escape",
            "filesizeformat", "forceescape", "format", "groupby", "pprint", "random", "safe", "slice", "striptags",
            "truncate", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr");
    private static final Set<String> TESTS = Set.of("boolean", "defined", "divisibleby", "eq", "equalto", "even",
            "false", "float", "ge", "gt", "greaterthan", "in", "integer", "iterable", "le", "lessthan", "lower", "lt",
            "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper",
            "==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> JINJA_TESTS = Set.of("callable", "escaped", "filter", "test");
    /** Python str methods: the implemented ones are in callStringMethod, the rest are refused. */
    private static final Set<String> STR_METHODS = Set.of("capitalize", "casefold", "center", "count", "encode",
            "endswith", "expandtabs", "find", "format", "format_map", "index", "isalnum", "isalpha", "isascii",
            "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle",
            "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix", "removesuffix",
            "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
            "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill");
    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get", "copy");
    private static final Set<String> MUTATING = Set.of("append", "extend", "insert", "pop", "popitem", "remove",
            "reverse", "sort", "clear", "update", "setdefault", "add", "discard");
    private static final int MAX_RANGE = 100000;

    static void checkFilter(String name, int line) {
        if (JINJA_FILTERS.contains(name)) {
            throw TemplateError.unsupported("the '" + name + "' filter (line " + line + ")");
        }
        if (!FILTERS.contains(name)) {
            throw TemplateError.syntax(line, "no filter named '" + name + "'");
        }
    }

    static void checkTest(String name, int line) {
        if (JINJA_TESTS.contains(name)) {
            throw TemplateError.unsupported("the '" + name + "' test (line " + line + ")");
        }
        if (!TESTS.contains(name)) {
            throw TemplateError.syntax(line, "no test named '" + name + "'");
        }
    }

    // ---- attribute and item access ----

    static Object getattr(Object obj, String attr) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (attr.startsWith("_")) {
            throw TemplateError.render("access to attribute '" + attr + "' of '" + Py.typeName(obj) + "' object is unsafe.");
        }
        if (obj instanceof Py.Namespace ns) {
            return ns.attrs.containsKey(attr) ? ns.attrs.get(attr) : undefinedAttr(obj, attr);
        }
        if (obj instanceof Renderer.Loop loop) {
            return loopAttr(loop, attr);
        }
        if (obj instanceof Map<?, ?> m) {
            if (DICT_METHODS.contains(attr) || MUTATING.contains(attr)) {
                return new Method(obj, attr);
            }
            Object key = Py.findKey(m, attr);
            return key != Py.NO_KEY ? m.get(key) : undefinedAttr(obj, attr);
        }
        if (obj instanceof String && STR_METHODS.contains(attr)) {
            return new Method(obj, attr);
        }
        if ((obj instanceof List || obj instanceof Tuple) && (MUTATING.contains(attr) || attr.equals("index")
                || attr.equals("count"))) {
            return new Method(obj, attr);
        }
        return undefinedAttr(obj, attr);
    }

    /** A method looked up but not yet called ({@code s.upper} without parentheses). */
    record Method(Object self, String name) {
    }

    private static Undefined undefinedAttr(Object obj, String attr) {
        return new Undefined("'" + Py.typeName(obj) + " object' has no attribute '" + attr + "'");
    }

    static Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (obj instanceof Map<?, ?> m) {
            Object k = Py.findKey(m, key);
            if (k != Py.NO_KEY) {
                return m.get(k);
            }
        } else if ((obj instanceof List || obj instanceof Tuple || obj instanceof String) && Py.isIntLike(key)) {
            List<Object> items = obj instanceof String ? Py.iterate(obj) : obj instanceof Tuple t ? t.items() : (List<Object>) obj;
            long i = Py.toLong(key);
            if (i < 0) {
                i += items.size();
            }
            if (i >= 0 && i < items.size()) {
                return items.get((int) i);
            }
        }
        if (key instanceof String attr) {
            return getattr(obj, attr);
        }
        return new Undefined(Py.typeName(obj) + " object has no element " + Py.repr(key));
    }

    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        List<Object> items;
        if (obj instanceof String || obj instanceof List || obj instanceof Tuple) {
            items = Py.iterate(obj);
        } else {
            throw TemplateError.render("'" + Py.typeName(obj) + "' object is not subscriptable");
        }
        int n = items.size();
        long st = step == null ? 1 : Py.toLong(step);
        if (st == 0) {
            throw TemplateError.render("slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(Py.toLong(start), n, 0, n);
            hi = stop == null ? n : clamp(Py.toLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(Py.toLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(Py.toLong(stop), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            out.add(items.get((int) i));
        }
        if (obj instanceof String) {
            StringBuilder sb = new StringBuilder();
            out.forEach(c -> sb.append((String) c));
            return sb.toString();
        }
        return obj instanceof Tuple ? new Tuple(out) : out;
    }

    private static long clamp(long i, int n, long min, long max) {
        if (i < 0) {
            i += n;
        }
        return Math.max(min, Math.min(max, i));
    }

    // ---- loop object ----

    private static Object loopAttr(Renderer.Loop loop, String attr) {
        int i = loop.index0;
        int n = loop.items.size();
        switch (attr) {
            case "index": return (long) i + 1;
            case "index0": return (long) i;
            case "revindex": return (long) (n - i);
            case "revindex0": return (long) (n - i - 1);
            case "first": return i == 0;
            case "last": return i == n - 1;
            case "length": return (long) n;
            case "depth": return 1L;
            case "depth0": return 0L;
            case "previtem": return i > 0 ? loop.items.get(i - 1) : new Undefined("there is no previous item");
            case "nextitem": return i < n - 1 ? loop.items.get(i + 1) : new Undefined("there is no next item");
            case "cycle": return new Method(loop, "cycle");
            case "changed": throw TemplateError.unsupported("loop.changed");
            default: return undefinedAttr(loop, attr);
        }
    }

    // ---- calls ----

    static Object callMethod(Object self, String name, List<Object> args, Map<String, Object> kw) {
        Object target = getattr(self, name);
        if (target instanceof Renderer.MacroValue) {
            throw TemplateError.unsupported("calling a macro through an attribute");
        }
        if (!(target instanceof Method m)) {
            if (target instanceof Undefined u) {
                throw u.error();
            }
            throw TemplateError.render("'" + Py.typeName(target) + "' object is not callable");
        }
        if (MUTATING.contains(name) && !(self instanceof String)) {
            throw TemplateError.render("access to attribute '" + name + "' of '" + Py.typeName(self) + "' object is unsafe.");
        }
        if (!kw.isEmpty() && !(self instanceof String && (name.equals("split") || name.equals("rsplit")))) {
            throw TemplateError.unsupported("keyword arguments to ." + name + "()");
        }
        if (m.self() instanceof Renderer.Loop loop) {
            if (args.isEmpty()) {
                throw TemplateError.render("no items for cycling given");
            }
            return args.get(loop.index0 % args.size());
        }
        if (m.self() instanceof String s) {
            return Strings.call(s, name, args, kw);
        }
        if (m.self() instanceof Map<?, ?> map) {
            return dictMethod(map, name, args);
        }
        List<Object> items = Py.iterate(m.self());
        Object x = arg(args, 0, name);
        if (name.equals("count")) {
            return items.stream().filter(v -> Py.eq(v, x)).count();
        }
        for (int i = 0; i < items.size(); i++) {
            if (Py.eq(items.get(i), x)) {
                return (long) i;
            }
        }
        throw TemplateError.render(Py.repr(x) + " is not in list");
    }

    private static Object dictMethod(Map<?, ?> map, String name, List<Object> args) {
        switch (name) {
            case "items": {
                List<Object> items = new ArrayList<>();
                map.forEach((k, v) -> items.add(new Tuple(Arrays.asList(k, v))));
                return new Py.DictView("items", items);
            }
            case "keys": return new Py.DictView("keys", new ArrayList<>(map.keySet()));
            case "values": return new Py.DictView("values", new ArrayList<>(map.values()));
            case "copy": return new LinkedHashMap<>(map);
            default: {
                Object key = Py.findKey(map, arg(args, 0, "get"));
                return key != Py.NO_KEY ? map.get(key) : (args.size() > 1 ? args.get(1) : null);
            }
        }
    }

    static Object callGlobal(String name, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "raise_exception":
                throw new TemplateError(TemplateError.Kind.RAISED, Py.str(arg(args, 0, name)));
            case "namespace": {
                Py.Namespace ns = new Py.Namespace();
                for (Object a : args) {
                    if (!(a instanceof Map<?, ?> m)) {
                        throw TemplateError.unsupported("namespace() with a positional " + Py.typeName(a));
                    }
                    m.forEach((k, v) -> ns.attrs.put(Py.str(k), v));
                }
                ns.attrs.putAll(kw);
                return ns;
            }
            case "range": {
                long start = args.size() > 1 ? Py.toLong(args.get(0)) : 0;
                long stop = Py.toLong(args.size() > 1 ? args.get(1) : arg(args, 0, name));
                long step = args.size() > 2 ? Py.toLong(args.get(2)) : 1;
                if (step == 0) {
                    throw TemplateError.render("range() arg 3 must not be zero");
                }
                List<Object> out = new ArrayList<>();
                for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                    if (out.size() >= MAX_RANGE) {
                        throw TemplateError.render("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
                    }
                    out.add(i);
                }
                return out;
            }
            case "dict": {
                Map<Object, Object> out = new LinkedHashMap<>();
                out.putAll(kw);
                return out;
            }
            case "strftime_now":
                throw TemplateError.unsupported("strftime_now (it prints the current date, so the same pair would"
                        + " get a different prompt on another day)");
            case "lipsum":
            case "cycler":
            case "joiner":
                throw TemplateError.unsupported("the global " + name + "()");
            default:
                throw TemplateError.render("'" + name + "' is undefined");
        }
    }

    static Object arg(List<Object> args, int i, String fn) {
        if (i >= args.size()) {
            throw TemplateError.render(fn + "() is missing a positional argument");
        }
        return args.get(i);
    }

    // ---- operators ----

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (op.equals("+")) {
            if (a instanceof String sa && b instanceof String sb) {
                return sa + sb;
            }
            if (a instanceof List<?> la && b instanceof List<?> lb) {
                List<Object> out = new ArrayList<>(la);
                out.addAll(lb);
                return out;
            }
            if (a instanceof Tuple ta && b instanceof Tuple tb) {
                List<Object> out = new ArrayList<>(ta.items());
                out.addAll(tb.items());
                return new Tuple(out);
            }
            if (a instanceof String) {
                throw TemplateError.render("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
            }
        }
        if (op.equals("*") && (a instanceof String || b instanceof String || a instanceof List || b instanceof List)
                && (Py.isIntLike(a) || Py.isIntLike(b))) {
            Object seq = Py.isIntLike(a) ? b : a;
            long times = Math.max(0, Py.toLong(Py.isIntLike(a) ? a : b));
            if (seq instanceof String s) {
                return s.repeat((int) times);
            }
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < times; i++) {
                out.addAll((List<?>) seq);
            }
            return out;
        }
        if (op.equals("%") && a instanceof String) {
            throw TemplateError.unsupported("printf-style string formatting with '%'");
        }
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw TemplateError.render("unsupported operand type(s) for " + op + ": '" + Py.typeName(a) + "' and '"
                    + Py.typeName(b) + "'");
        }
        boolean ints = Py.isIntLike(a) && Py.isIntLike(b);
        switch (op) {
            case "+": return ints ? (Object) (Py.toLong(a) + Py.toLong(b)) : Py.toDouble(a) + Py.toDouble(b);
            case "-": return ints ? (Object) (Py.toLong(a) - Py.toLong(b)) : Py.toDouble(a) - Py.toDouble(b);
            case "*": return ints ? (Object) (Py.toLong(a) * Py.toLong(b)) : Py.toDouble(a) * Py.toDouble(b);
            case "/":
                if (Py.toDouble(b) == 0) {
                    throw TemplateError.render("division by zero");
                }
                return Py.toDouble(a) / Py.toDouble(b);
            case "//":
                if (Py.toDouble(b) == 0) {
                    throw TemplateError.render("integer division or modulo by zero");
                }
                return ints ? (Object) Math.floorDiv(Py.toLong(a), Py.toLong(b)) : Math.floor(Py.toDouble(a) / Py.toDouble(b));
            case "%":
                if (Py.toDouble(b) == 0) {
                    throw TemplateError.render("integer division or modulo by zero");
                }
                if (ints) {
                    return Math.floorMod(Py.toLong(a), Py.toLong(b));
                }
                double x = Py.toDouble(a);
                double y = Py.toDouble(b);
                double r = x % y;
                return r != 0 && (r < 0) != (y < 0) ? r + y : r;
            case "**":
                if (ints && Py.toLong(b) >= 0) {
                    return BigDecimal.valueOf(Py.toLong(a)).pow((int) Py.toLong(b)).longValueExact();
                }
                return Math.pow(Py.toDouble(a), Py.toDouble(b));
            default:
                throw new IllegalStateException(op);
        }
    }

    static boolean compare(String op, Object a, Object b) {
        switch (op) {
            case "==": return Py.eq(a, b);
            case "!=": return !Py.eq(a, b);
            case "in": return contains(b, a);
            case "notin": return !contains(b, a);
            case "<": return Py.compare(a, b, op) < 0;
            case "<=": return Py.compare(a, b, op) <= 0;
            case ">": return Py.compare(a, b, op) > 0;
            default: return Py.compare(a, b, op) >= 0;
        }
    }

    static boolean contains(Object container, Object x) {
        if (container instanceof String s) {
            if (!(x instanceof String sx)) {
                throw TemplateError.render("'in <string>' requires string as left operand, not " + Py.typeName(x));
            }
            return s.contains(sx);
        }
        if (container instanceof Map<?, ?> m) {
            return Py.findKey(m, x) != Py.NO_KEY;
        }
        if (container instanceof Undefined u) {
            throw u.error();
        }
        return Py.iterate(container).stream().anyMatch(v -> Py.eq(v, x));
    }

    // ---- tests ----

    static boolean test(String name, Object v, List<Object> args) {
        switch (name) {
            case "defined": return !(v instanceof Undefined);
            case "undefined": return v instanceof Undefined;
            case "none": return v == null;
            case "boolean": return v instanceof Boolean;
            case "false": return Boolean.FALSE.equals(v);
            case "true": return Boolean.TRUE.equals(v);
            case "integer": return v instanceof Long;
            case "float": return v instanceof Double;
            case "number": return Py.isNumber(v);
            case "string": return v instanceof String;
            case "mapping": return v instanceof Map;
            case "iterable": return Py.isIterable(v);
            case "sequence": return v instanceof String || v instanceof List || v instanceof Tuple || v instanceof Map
                    || v instanceof Py.DictView;
            case "odd": return Py.toLong(v) % 2 != 0;
            case "even": return Py.toLong(v) % 2 == 0;
            case "divisibleby": return Py.toLong(v) % Py.toLong(arg(args, 0, name)) == 0;
            case "lower": return v instanceof String s && Strings.isLower(s);
            case "upper": return v instanceof String s && Strings.isUpper(s);
            case "sameas": return v == arg(args, 0, name) || (v != null && Py.isNumber(v) && Py.eq(v, args.get(0))
                    && v.getClass() == args.get(0).getClass() && (v instanceof Boolean));
            case "in": return contains(arg(args, 0, name), v);
            case "eq": case "equalto": case "==": return Py.eq(v, arg(args, 0, name));
            case "ne": case "!=": return !Py.eq(v, arg(args, 0, name));
            case "lt": case "lessthan": case "<": return Py.compare(v, arg(args, 0, name), "<") < 0;
            case "le": case "<=": return Py.compare(v, arg(args, 0, name), "<=") <= 0;
            case "gt": case "greaterthan": case ">": return Py.compare(v, arg(args, 0, name), ">") > 0;
            default: return Py.compare(v, arg(args, 0, name), ">=") >= 0;
        }
    }

    // ---- filters ----

    static Object filter(Renderer r, String name, Object v, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "default":
            case "d": {
                Object dflt = opt(args, kw, 0, "default_value", "");
                boolean bool = Py.truthy(opt(args, kw, 1, "boolean", false));
                return v instanceof Undefined || (bool && !Py.truthy(v)) ? dflt : v;
            }
            case "length":
            case "count": return Py.len(v);
            case "string": return Py.str(v);
            case "list": return Py.iterate(v);
            case "first": {
                List<Object> items = Py.iterate(v);
                return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
            }
            case "last": {
                if (v instanceof Iter) {
                    throw TemplateError.render("'generator' object is not reversible");
                }
                List<Object> items = Py.iterate(v);
                return items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
            }
            case "join": {
                String sep = Py.str(opt(args, kw, 0, "d", ""));
                Object attribute = opt(args, kw, 1, "attribute", null);
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(v);
                for (int i = 0; i < items.size(); i++) {
                    Object item = attribute == null ? items.get(i) : attribute(items.get(i), attribute, null);
                    sb.append(i > 0 ? sep : "").append(Py.str(item));
                }
                return sb.toString();
            }
            case "upper": return Py.str(v).toUpperCase(java.util.Locale.ROOT);
            case "lower": return Py.str(v).toLowerCase(java.util.Locale.ROOT);
            case "capitalize": return Strings.capitalize(Py.str(v));
            case "title": return Strings.jinjaTitle(Py.str(v));
            case "trim": {
                Object chars = opt(args, kw, 0, "chars", null);
                return Py.strip(Py.str(v), chars == null ? null : Py.str(chars));
            }
            case "replace": {
                Object count = opt(args, kw, 2, "count", null);
                return Strings.replace(Py.str(v), Py.str(arg(args, 0, name)), Py.str(arg(args, 1, name)),
                        count == null ? -1 : Py.toLong(count));
            }
            case "tojson": {
                if (v instanceof Undefined) {
                    throw TemplateError.render("Object of type Undefined is not JSON serializable");
                }
                Object separators = opt(args, kw, 2, "separators", null);
                String itemSep = null;
                String keySep = null;
                if (separators != null) {
                    List<Object> seps = Py.iterate(separators);
                    itemSep = Py.str(seps.get(0));
                    keySep = Py.str(seps.get(1));
                }
                if (Py.truthy(opt(args, kw, 0, "ensure_ascii", false))) {
                    throw TemplateError.unsupported("tojson(ensure_ascii=true)");
                }
                return Py.toJson(v, opt(args, kw, 1, "indent", null), itemSep, keySep,
                        Py.truthy(opt(args, kw, 3, "sort_keys", false)));
            }
            case "items": {
                if (v instanceof Undefined) {
                    return new Iter(new ArrayList<>());
                }
                if (!(v instanceof Map<?, ?> m)) {
                    throw TemplateError.render("Can only get item pairs from a mapping.");
                }
                return new Iter(((Py.DictView) dictMethod(m, "items", List.of())).items());
            }
            case "dictsort": return dictsort(v, args, kw);
            case "reverse": {
                if (v instanceof String s) {
                    return Strings.reverse(s);
                }
                List<Object> items = new ArrayList<>(Py.iterate(v));
                Collections.reverse(items);
                return new Iter(items);
            }
            case "sort": {
                boolean reverse = Py.truthy(opt(args, kw, 0, "reverse", false));
                boolean caseSensitive = Py.truthy(opt(args, kw, 1, "case_sensitive", false));
                Object attribute = opt(args, kw, 2, "attribute", null);
                List<Object> items = new ArrayList<>(Py.iterate(v));
                items.sort(sortKey(attribute, caseSensitive, reverse));
                return items;
            }
            case "unique": {
                boolean caseSensitive = Py.truthy(opt(args, kw, 0, "case_sensitive", false));
                Object attribute = opt(args, kw, 1, "attribute", null);
                List<Object> out = new ArrayList<>();
                List<Object> seen = new ArrayList<>();
                for (Object item : Py.iterate(v)) {
                    Object key = fold(attribute == null ? item : attribute(item, attribute, null), caseSensitive);
                    if (seen.stream().noneMatch(s -> Py.eq(s, key))) {
                        seen.add(key);
                        out.add(item);
                    }
                }
                return new Iter(out);
            }
            case "min":
            case "max": {
                boolean caseSensitive = Py.truthy(opt(args, kw, 0, "case_sensitive", false));
                Object attribute = opt(args, kw, 1, "attribute", null);
                List<Object> items = Py.iterate(v);
                if (items.isEmpty()) {
                    return new Undefined("No aggregated item, sequence was empty.");
                }
                Comparator<Object> order = sortKey(attribute, caseSensitive, false);
                return name.equals("min") ? Collections.min(items, order) : Collections.max(items, order);
            }
            case "sum": {
                Object attribute = opt(args, kw, 0, "attribute", null);
                Object total = opt(args, kw, 1, "start", 0L);
                for (Object item : Py.iterate(v)) {
                    total = binary("+", total, attribute == null ? item : attribute(item, attribute, null));
                }
                return total;
            }
            case "abs": {
                if (!Py.isNumber(v)) {
                    throw TemplateError.render("bad operand type for abs(): '" + Py.typeName(v) + "'");
                }
                return v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Py.toLong(v));
            }
            case "int": return toInt(v, opt(args, kw, 0, "default", 0L), Py.toLong(opt(args, kw, 1, "base", 10L)));
            case "float": return toFloat(v, opt(args, kw, 0, "default", 0.0));
            case "round": return round(v, Py.toLong(opt(args, kw, 0, "precision", 0L)), Py.str(opt(args, kw, 1, "method", "common")));
            case "indent": return Strings.indent(Py.str(v), opt(args, kw, 0, "width", 4L),
                    Py.truthy(opt(args, kw, 1, "first", false)), Py.truthy(opt(args, kw, 2, "blank", false)));
            case "map": return map(r, v, args, kw);
            case "select":
            case "reject":
            case "selectattr":
            case "rejectattr": return select(name, v, args);
            default: throw new IllegalStateException(name);
        }
    }

    private static Object opt(List<Object> args, Map<String, Object> kw, int i, String key, Object dflt) {
        if (i < args.size()) {
            return args.get(i);
        }
        return kw.containsKey(key) ? kw.get(key) : dflt;
    }

    /** jinja2's make_attrgetter: dotted attribute paths, integer parts as indexes. */
    static Object attribute(Object item, Object attribute, Object dflt) {
        Object v = item;
        for (String part : Py.str(attribute).split("\\.")) {
            Object key = part.matches("\\d+") ? (Object) Long.parseLong(part) : part;
            v = getitem(v, key);
            if (v instanceof Undefined && dflt != null) {
                return dflt;
            }
        }
        return v;
    }

    private static Object fold(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : v;
    }

    private static Comparator<Object> sortKey(Object attribute, boolean caseSensitive, boolean reverse) {
        Comparator<Object> c = (x, y) -> Py.compare(
                fold(attribute == null ? x : attribute(x, attribute, null), caseSensitive),
                fold(attribute == null ? y : attribute(y, attribute, null), caseSensitive), "<");
        return reverse ? c.reversed() : c;
    }

    private static Object dictsort(Object v, List<Object> args, Map<String, Object> kw) {
        if (!(v instanceof Map<?, ?> m)) {
            throw TemplateError.render("dictsort filter only works on mappings");
        }
        boolean caseSensitive = Py.truthy(opt(args, kw, 0, "case_sensitive", false));
        String by = Py.str(opt(args, kw, 1, "by", "key"));
        boolean reverse = Py.truthy(opt(args, kw, 2, "reverse", false));
        int pos = by.equals("key") ? 0 : by.equals("value") ? 1 : -1;
        if (pos < 0) {
            throw TemplateError.render("You can only sort by either \"key\" or \"value\"");
        }
        List<Object> items = new ArrayList<>(((Py.DictView) dictMethod(m, "items", List.of())).items());
        Comparator<Object> c = (x, y) -> Py.compare(fold(((Tuple) x).items().get(pos), caseSensitive),
                fold(((Tuple) y).items().get(pos), caseSensitive), "<");
        items.sort(reverse ? c.reversed() : c);
        return items;
    }

    private static Object toInt(Object v, Object dflt, long base) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Boolean || v instanceof Double) {
            return v instanceof Double d ? (long) d.doubleValue() : Py.toLong(v);
        }
        if (v instanceof String s) {
            String t = Py.strip(s, null).replace("_", "");
            try {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t, (int) base);
            } catch (NumberFormatException e) {
                try {
                    double d = Double.parseDouble(t);
                    if (!Double.isNaN(d) && !Double.isInfinite(d) && t.matches("[+-]?[0-9.eE+-]+")) {
                        return (long) d;
                    }
                } catch (NumberFormatException ignored) {
                    // falls through to the default, as jinja2 does
                }
            }
        }
        return dflt;
    }

    private static Object toFloat(Object v, Object dflt) {
        if (Py.isNumber(v)) {
            return Py.toDouble(v);
        }
        if (v instanceof String s) {
            String t = Py.strip(s, null).replace("_", "");
            if (t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                return Double.parseDouble(t);
            }
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            if (lower.matches("[+-]?(inf|infinity|nan)")) {
                throw TemplateError.unsupported("float('" + t + "')");
            }
        }
        return dflt;
    }

    private static Object round(Object v, long precision, String method) {
        if (!Py.isNumber(v)) {
            throw TemplateError.render("type " + Py.typeName(v) + " doesn't define __round__ method");
        }
        BigDecimal exact = new BigDecimal(Py.toDouble(v));
        RoundingMode mode;
        switch (method) {
            case "common": mode = RoundingMode.HALF_EVEN; break;
            case "ceil": mode = RoundingMode.CEILING; break;
            case "floor": mode = RoundingMode.FLOOR; break;
            default: throw TemplateError.render("method must be common, ceil or floor");
        }
        if (!method.equals("common")) {
            double scale = Math.pow(10, precision);
            double d = Py.toDouble(v) * scale;
            return (method.equals("ceil") ? Math.ceil(d) : Math.floor(d)) / scale;
        }
        return exact.setScale((int) precision, mode).doubleValue();
    }

    private static Object map(Renderer r, Object v, List<Object> args, Map<String, Object> kw) {
        List<Object> out = new ArrayList<>();
        if (kw.containsKey("attribute")) {
            Object dflt = kw.get("default");
            for (Object item : Py.iterate(v)) {
                Object value = attribute(item, kw.get("attribute"), null);
                out.add(value instanceof Undefined && dflt != null ? dflt : value);
            }
            return new Iter(out);
        }
        String filterName = Py.str(arg(args, 0, "map"));
        checkFilter(filterName, 0);
        for (Object item : Py.iterate(v)) {
            out.add(filter(r, filterName, item, args.subList(1, args.size()), kw));
        }
        return new Iter(out);
    }

    private static Object select(String name, Object v, List<Object> args) {
        boolean byAttribute = name.endsWith("attr");
        boolean keep = name.startsWith("select");
        int testAt = byAttribute ? 1 : 0;
        String testName = args.size() > testAt ? Py.str(args.get(testAt)) : null;
        if (testName != null) {
            checkTest(testName, 0);
        }
        List<Object> testArgs = args.size() > testAt + 1 ? args.subList(testAt + 1, args.size()) : List.of();
        List<Object> out = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            Object value = byAttribute ? attribute(item, arg(args, 0, name), null) : item;
            boolean passes = testName == null ? Py.truthy(value) : test(testName, value, testArgs);
            if (passes == keep) {
                out.add(item);
            }
        }
        return new Iter(out);
    }
}
