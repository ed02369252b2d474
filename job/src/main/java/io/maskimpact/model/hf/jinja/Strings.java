package io.maskimpact.model.hf.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Python's str methods and the string filters of jinja2 that differ from them, over code points. */
final class Strings {
    private Strings() {
    }

    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)");

    static Object call(String s, String name, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "upper": return s.toUpperCase(Locale.ROOT);
            case "lower": return s.toLowerCase(Locale.ROOT);
            case "strip": return Py.strip(s, chars(args));
            case "lstrip": return Py.lstrip(s, chars(args));
            case "rstrip": return Py.rstrip(s, chars(args));
            case "capitalize": return capitalize(s);
            case "title": return title(s);
            case "startswith":
            case "endswith": {
                Object prefixes = Builtins.arg(args, 0, name);
                if (args.size() > 1) {
                    throw TemplateError.unsupported("start/end arguments to str." + name + "()");
                }
                List<Object> options = prefixes instanceof Py.Tuple t ? t.items() : List.of(prefixes);
                for (Object o : options) {
                    if (!(o instanceof String p)) {
                        throw TemplateError.render(name + " first arg must be str or a tuple of str, not " + Py.typeName(o));
                    }
                    if (name.equals("startswith") ? s.startsWith(p) : s.endsWith(p)) {
                        return true;
                    }
                }
                return false;
            }
            case "split":
            case "rsplit": {
                Object sep = args.size() > 0 ? args.get(0) : kw.get("sep");
                Object max = args.size() > 1 ? args.get(1) : kw.getOrDefault("maxsplit", -1L);
                return split(s, sep == null ? null : (String) sep, Py.toLong(max), name.equals("rsplit"));
            }
            case "replace": {
                long count = args.size() > 2 ? Py.toLong(args.get(2)) : -1;
                return replace(s, str(Builtins.arg(args, 0, name)), str(Builtins.arg(args, 1, name)), count);
            }
            case "find":
            case "rfind":
            case "index":
            case "rindex":
            case "count": {
                if (args.size() > 1) {
                    throw TemplateError.unsupported("start/end arguments to str." + name + "()");
                }
                String sub = str(Builtins.arg(args, 0, name));
                if (name.equals("count")) {
                    return count(s, sub);
                }
                int at = name.startsWith("r") ? s.lastIndexOf(sub) : s.indexOf(sub);
                if (at < 0 && name.endsWith("index")) {
                    throw TemplateError.render("substring not found");
                }
                return at < 0 ? -1L : (long) s.codePointCount(0, at);
            }
            case "join": {
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(Builtins.arg(args, 0, name));
                for (int i = 0; i < items.size(); i++) {
                    if (!(items.get(i) instanceof String item)) {
                        throw TemplateError.render("sequence item " + i + ": expected str instance, "
                                + Py.typeName(items.get(i)) + " found");
                    }
                    sb.append(i > 0 ? s : "").append(item);
                }
                return sb.toString();
            }
            case "isdigit": return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isspace": return Py.isAllWhitespace(s);
            case "islower": return isLower(s);
            case "isupper": return isUpper(s);
            case "removeprefix": {
                String p = str(Builtins.arg(args, 0, name));
                return s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix": {
                String p = str(Builtins.arg(args, 0, name));
                return s.endsWith(p) && !p.isEmpty() ? s.substring(0, s.length() - p.length()) : s;
            }
            default:
                throw TemplateError.unsupported("str." + name + "()");
        }
    }

    private static String str(Object v) {
        if (!(v instanceof String s)) {
            throw TemplateError.render("must be str, not " + Py.typeName(v));
        }
        return s;
    }

    private static String chars(List<Object> args) {
        return args.isEmpty() || args.get(0) == null ? null : str(args.get(0));
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.codePointCount(0, s.length()) + 1;
        }
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }

    static String replace(String s, String old, String neu, long count) {
        if (count < 0) {
            count = Long.MAX_VALUE;
        }
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            int[] cps = s.codePoints().toArray();
            long done = 0;
            for (int cp : cps) {
                if (done++ < count) {
                    sb.append(neu);
                }
                sb.appendCodePoint(cp);
            }
            if (done < count) {
                sb.append(neu);
            }
            return sb.toString();
        }
        int from = 0;
        long done = 0;
        for (int i = s.indexOf(old); i >= 0 && done < count; i = s.indexOf(old, from)) {
            sb.append(s, from, i).append(neu);
            from = i + old.length();
            done++;
        }
        return sb.append(s.substring(from)).toString();
    }

    static List<Object> split(String s, String sep, long max, boolean fromRight) {
        List<Object> out = new ArrayList<>();
        if (max < 0) {
            max = Long.MAX_VALUE;
        }
        if (sep == null) {
            List<String> words = new ArrayList<>();
            for (String w : Py.strip(s, null).split("[\\s\\u001c-\\u001f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
            if (max < words.size() - 1) {
                throw TemplateError.unsupported("str.split() without a separator and with maxsplit");
            }
            out.addAll(words);
            return out;
        }
        if (sep.isEmpty()) {
            throw TemplateError.render("empty separator");
        }
        List<String> parts = new ArrayList<>();
        if (!fromRight) {
            int from = 0;
            long done = 0;
            for (int i = s.indexOf(sep); i >= 0 && done < max; i = s.indexOf(sep, from)) {
                parts.add(s.substring(from, i));
                from = i + sep.length();
                done++;
            }
            parts.add(s.substring(from));
        } else {
            int to = s.length();
            long done = 0;
            for (int i = s.lastIndexOf(sep, to - sep.length()); i >= 0 && done < max; i = s.lastIndexOf(sep, to - sep.length())) {
                parts.add(0, s.substring(i + sep.length(), to));
                to = i;
                done++;
                if (to < sep.length()) {
                    i = -1;
                    if (to == 0) {
                        break;
                    }
                }
            }
            parts.add(0, s.substring(0, to));
        }
        out.addAll(parts);
        return out;
    }

    /** Python 3 str.capitalize: first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new String(Character.toChars(Character.toTitleCase(first)))
                + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /** Python str.title: a cased character after an uncased one starts a word. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean previousCased = false;
        for (int cp : s.codePoints().toArray()) {
            boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
            sb.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            previousCased = cased;
        }
        return sb.toString();
    }

    /** jinja2's title filter (not str.title): words start after spaces, '-', '(', '{', '[' and '<'. */
    static String jinjaTitle(String s) {
        StringBuilder sb = new StringBuilder();
        Matcher m = WORD_BEGINNING.matcher(s);
        int from = 0;
        while (m.find()) {
            appendTitled(s.substring(from, m.start()), sb);
            sb.append(m.group());
            from = m.end();
        }
        appendTitled(s.substring(from), sb);
        return sb.toString();
    }

    private static void appendTitled(String item, StringBuilder sb) {
        if (item.isEmpty()) {
            return;
        }
        int first = item.codePointAt(0);
        sb.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT))
                .append(item.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
    }

    static boolean isLower(String s) {
        boolean cased = false;
        for (int cp : s.codePoints().toArray()) {
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                return false;
            }
            cased |= Character.isLowerCase(cp);
        }
        return cased;
    }

    static boolean isUpper(String s) {
        boolean cased = false;
        for (int cp : s.codePoints().toArray()) {
            if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
                return false;
            }
            cased |= Character.isUpperCase(cp);
        }
        return cased;
    }

    static String reverse(String s) {
        StringBuilder sb = new StringBuilder();
        int[] cps = s.codePoints().toArray();
        for (int i = cps.length - 1; i >= 0; i--) {
            sb.appendCodePoint(cps[i]);
        }
        return sb.toString();
    }

    /** jinja2's indent filter, including its habit of appending a newline before splitting lines. */
    static String indent(String s, Object width, boolean first, boolean blank) {
        String indention = width instanceof String w ? w : " ".repeat((int) Py.toLong(width));
        List<String> lines = splitlines(s + "\n");
        String rv;
        if (blank) {
            rv = String.join("\n" + indention, lines);
        } else {
            StringBuilder sb = new StringBuilder(lines.isEmpty() ? "" : lines.get(0));
            if (lines.size() > 1) {
                List<String> rest = new ArrayList<>();
                for (String line : lines.subList(1, lines.size())) {
                    rest.add(line.isEmpty() ? line : indention + line);
                }
                sb.append("\n").append(String.join("\n", rest));
            }
            rv = sb.toString();
        }
        return first ? indention + rv : rv;
    }

    /** Python str.splitlines() without keepends. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean lineBreak = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e)
                    || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (lineBreak) {
                lines.add(s.substring(start, i));
                i += c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }
}
