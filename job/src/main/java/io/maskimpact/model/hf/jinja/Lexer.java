package io.maskimpact.model.hf.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits template text into tokens the way jinja2's lexer does with {@code trim_blocks=True} and
 * {@code lstrip_blocks=True} (transformers' settings): newlines normalised to {@code \n}, one trailing newline
 * dropped, {@code -}/{@code +} whitespace control, the first newline after a block or comment tag removed, and
 * spaces before a block or comment tag removed when nothing else precedes it on its line.
 */
final class Lexer {
    enum Type { DATA, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    record Token(Type type, String value, int line) {
        boolean is(Type t, String v) {
            return type == t && value.equals(v);
        }
    }

    private static final Pattern FLOAT = Pattern.compile(
            "(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
    private static final Pattern INT = Pattern.compile("0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[\\da-fA-F])+|[1-9](_?\\d)*|0(_?0)*");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "=", ".", ":", ",", "|", "<", ">", ";"};

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;
    private boolean lineStarting = true;

    private Lexer(String source) {
        String normalised = source.replace("\r\n", "\n").replace('\r', '\n');
        // jinja2's keep_trailing_newline=False: a single final newline is not part of the template.
        this.src = normalised.endsWith("\n") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < src.length()) {
            int open = nextOpening(pos);
            if (open < 0) {
                emit(Type.DATA, src.substring(pos));
                pos = src.length();
                break;
            }
            String text = src.substring(pos, open);
            char kind = src.charAt(open + 1);
            char sign = open + 2 < src.length() ? src.charAt(open + 2) : 0;
            if (sign == '-') {
                text = Py.rstrip(text, null);
            } else if (sign != '+' && kind != '{') {
                int lineStart = text.lastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                        && Py.isAllWhitespace(text.substring(lineStart))) {
                    text = text.substring(0, lineStart);
                }
            }
            emit(Type.DATA, text);
            line += count(src.substring(pos, open), '\n');
            pos = open + 2 + (sign == '-' || sign == '+' ? 1 : 0);
            if (kind == '#') {
                comment();
            } else {
                tag(kind == '{');
            }
        }
        tokens.add(new Token(Type.EOF, "", line));
    }

    private int nextOpening(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private void comment() {
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw TemplateError.syntax(line, "missing end of comment tag");
        }
        char sign = src.charAt(end - 1);
        String ending = "#}";
        int after = end + 2;
        if (sign == '-' && end - 1 >= pos) {
            after = skipWhitespace(after);
        } else if (sign != '+' && after < src.length() && src.charAt(after) == '\n') {
            after++;
        }
        line += count(src.substring(pos, after), '\n');
        lineStarting = src.charAt(after - 1) == '\n' && !ending.isEmpty();
        pos = after;
    }

    private void tag(boolean variable) {
        emit(variable ? Type.VAR_BEGIN : Type.BLOCK_BEGIN, variable ? "{{" : "{%");
        if (!variable) {
            Matcher raw = Pattern.compile("\\s*raw\\s*[-+]?%}").matcher(src).region(pos, src.length());
            if (raw.lookingAt()) {
                throw TemplateError.unsupported("{% raw %} (line " + line + ")");
            }
        }
        List<Character> open = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) {
                throw TemplateError.syntax(line, "unexpected end of template, expected '" + (variable ? "}}" : "%}") + "'");
            }
            if (open.isEmpty() && tryEnd(variable)) {
                return;
            }
            char c = src.charAt(pos);
            if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    line++;
                }
                pos++;
                continue;
            }
            Matcher m;
            if ((m = FLOAT.matcher(src).region(pos, src.length())).lookingAt() && notAfterDot()) {
                emit(Type.FLOAT, m.group());
            } else if ((m = INT.matcher(src).region(pos, src.length())).lookingAt()) {
                emit(Type.INT, m.group());
            } else if ((m = NAME.matcher(src).region(pos, src.length())).lookingAt()) {
                emit(Type.NAME, m.group());
            } else if (c == '\'' || c == '"') {
                string(c);
                continue;
            } else {
                String op = operator();
                if ("([{".contains(op)) {
                    open.add(op.equals("(") ? ')' : op.equals("[") ? ']' : '}');
                } else if (")]}".contains(op)) {
                    if (open.isEmpty() || open.remove(open.size() - 1) != op.charAt(0)) {
                        throw TemplateError.syntax(line, "unexpected '" + op + "'");
                    }
                }
                emit(Type.OP, op);
                pos += op.length();
                continue;
            }
            pos = m.end();
        }
    }

    private boolean notAfterDot() {
        return pos == 0 || src.charAt(pos - 1) != '.';
    }

    private boolean tryEnd(boolean variable) {
        String close = variable ? "}}" : "%}";
        int after;
        if (src.startsWith("-" + close, pos)) {
            after = skipWhitespace(pos + 3);
        } else if (!variable && src.startsWith("+" + close, pos)) {
            after = pos + 3;
        } else if (src.startsWith(close, pos)) {
            after = pos + 2;
            if (!variable && after < src.length() && src.charAt(after) == '\n') {
                after++;
            }
        } else {
            return false;
        }
        emit(variable ? Type.VAR_END : Type.BLOCK_END, close);
        line += count(src.substring(pos, after), '\n');
        lineStarting = src.charAt(after - 1) == '\n';
        pos = after;
        return true;
    }

    private int skipWhitespace(int from) {
        int i = from;
        while (i < src.length() && Py.isWhitespace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private String operator() {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                return op;
            }
        }
        throw TemplateError.syntax(line, "unexpected char '" + src.charAt(pos) + "'");
    }

    /** A string literal, its escapes decoded as Python's unicode-escape codec does (what jinja2 applies). */
    private void string(char quote) {
        StringBuilder out = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= src.length()) {
                throw TemplateError.syntax(line, "unterminated string");
            }
            char c = src.charAt(i);
            if (c == quote) {
                break;
            }
            if (c == '\\' && i + 1 < src.length()) {
                i = escape(i + 1, out);
                continue;
            }
            out.append(c);
            i++;
        }
        emit(Type.STRING, out.toString());
        line += count(src.substring(pos, i), '\n');
        pos = i + 1;
    }

    private int escape(int i, StringBuilder out) {
        char e = src.charAt(i);
        switch (e) {
            case '\n': return i + 1;
            case '\\': out.append('\\'); return i + 1;
            case '\'': out.append('\''); return i + 1;
            case '"': out.append('"'); return i + 1;
            case 'a': out.append('\u0007'); return i + 1;
            case 'b': out.append('\b'); return i + 1;
            case 'f': out.append('\f'); return i + 1;
            case 'n': out.append('\n'); return i + 1;
            case 'r': out.append('\r'); return i + 1;
            case 't': out.append('\t'); return i + 1;
            case 'v': out.append('\u000b'); return i + 1;
            case 'x': return hex(i + 1, 2, out);
            case 'u': return hex(i + 1, 4, out);
            case 'U': return hex(i + 1, 8, out);
            case 'N': throw TemplateError.unsupported("the \\N{...} string escape (line " + line + ")");
            default:
                if (e >= '0' && e <= '7') {
                    int end = i;
                    while (end < i + 3 && end < src.length() && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
                        end++;
                    }
                    out.appendCodePoint(Integer.parseInt(src.substring(i, end), 8));
                    return end;
                }
                // Python keeps an unknown escape as written.
                out.append('\\');
                return i;
        }
    }

    private int hex(int i, int digits, StringBuilder out) {
        if (i + digits > src.length() || !src.substring(i, i + digits).matches("[0-9a-fA-F]+")) {
            throw TemplateError.syntax(line, "truncated \\x/\\u escape in a string");
        }
        out.appendCodePoint(Integer.parseInt(src.substring(i, i + digits), 16));
        return i + digits;
    }

    private void emit(Type type, String value) {
        if (type == Type.DATA && value.isEmpty()) {
            return;
        }
        tokens.add(new Token(type, value, line));
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
