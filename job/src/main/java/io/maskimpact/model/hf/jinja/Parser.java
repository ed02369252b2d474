package io.maskimpact.model.hf.jinja;

import io.maskimpact.model.hf.jinja.Lexer.Token;
import io.maskimpact.model.hf.jinja.Lexer.Type;
import io.maskimpact.model.hf.jinja.Node.Expr;
import io.maskimpact.model.hf.jinja.Node.Stmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the statement tree from tokens with jinja2's grammar and operator precedence (condexpr, or, and, not,
 * comparisons, {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary, postfix, filters and tests).
 * Statements outside what chat templates use ({@code include}, {@code extends}, {@code call}, ...) are refused.
 */
final class Parser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> REFUSED_TAGS = Set.of("include", "import", "from", "extends", "block", "call",
            "filter", "with", "autoescape", "do", "trans", "pluralize");

    private final List<Token> tokens;
    private int at;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Stmt> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Stmt> body = p.statements(Set.of());
        if (p.peek().type() != Type.EOF) {
            throw TemplateError.syntax(p.peek().line(), "unexpected '" + p.peek().value() + "'");
        }
        return body;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        return tokens.get(at++);
    }

    private boolean skipIf(Type type, String value) {
        if (peek().is(type, value)) {
            at++;
            return true;
        }
        return false;
    }

    private Token expect(Type type, String value) {
        Token t = next();
        if (t.type() != type || (value != null && !t.value().equals(value))) {
            throw TemplateError.syntax(t.line(), "expected '" + (value != null ? value : type) + "', got '"
                    + (t.type() == Type.EOF ? "end of template" : t.value()) + "'");
        }
        return t;
    }

    private String name() {
        return expect(Type.NAME, null).value();
    }

    /** Statements until a block tag whose name is in {@code ends} (left unconsumed, after its '{%'). */
    private List<Stmt> statements(Set<String> ends) {
        List<Stmt> body = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.EOF) {
                if (!ends.isEmpty()) {
                    throw TemplateError.syntax(t.line(), "unexpected end of template, expected one of " + ends);
                }
                return body;
            }
            if (t.type() == Type.DATA) {
                body.add(new Node.Output(next().value()));
            } else if (t.type() == Type.VAR_BEGIN) {
                next();
                body.add(new Node.Print(tupleOrExpr()));
                expect(Type.VAR_END, null);
            } else {
                expect(Type.BLOCK_BEGIN, null);
                Token tag = peek();
                if (tag.type() == Type.NAME && ends.contains(tag.value())) {
                    return body;
                }
                body.add(statement());
            }
        }
    }

    private Stmt statement() {
        Token tag = expect(Type.NAME, null);
        switch (tag.value()) {
            case "if": return ifStatement();
            case "for": return forStatement();
            case "set": return setStatement();
            case "macro": return macro();
            case "generation": {
                expect(Type.BLOCK_END, null);
                List<Stmt> body = statements(Set.of("endgeneration"));
                endTag("endgeneration");
                return new Node.Generation(body);
            }
            case "break":
            case "continue":
                expect(Type.BLOCK_END, null);
                return new Node.LoopControl(tag.value().equals("break"));
            default:
                if (REFUSED_TAGS.contains(tag.value())) {
                    throw TemplateError.unsupported("the {% " + tag.value() + " %} tag (line " + tag.line() + ")");
                }
                throw TemplateError.syntax(tag.line(), "encountered unknown tag '" + tag.value() + "'");
        }
    }

    private void endTag(String name) {
        expect(Type.NAME, name);
        expect(Type.BLOCK_END, null);
    }

    private Stmt ifStatement() {
        List<Expr> conditions = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        conditions.add(tupleOrExpr());
        expect(Type.BLOCK_END, null);
        while (true) {
            bodies.add(statements(Set.of("elif", "else", "endif")));
            String tag = name();
            if (tag.equals("elif")) {
                conditions.add(tupleOrExpr());
                expect(Type.BLOCK_END, null);
            } else if (tag.equals("else")) {
                expect(Type.BLOCK_END, null);
                List<Stmt> orElse = statements(Set.of("endif"));
                endTag("endif");
                return new Node.If(conditions, bodies, orElse);
            } else {
                expect(Type.BLOCK_END, null);
                return new Node.If(conditions, bodies, List.of());
            }
        }
    }

    private Stmt forStatement() {
        List<String> targets = assignTargets();
        expect(Type.NAME, "in");
        Expr iter = tuple(false);
        Expr filter = null;
        if (skipIf(Type.NAME, "if")) {
            filter = expression();
        }
        if (peek().is(Type.NAME, "recursive")) {
            throw TemplateError.unsupported("recursive loops (line " + peek().line() + ")");
        }
        expect(Type.BLOCK_END, null);
        List<Stmt> body = statements(Set.of("else", "endfor"));
        List<Stmt> orElse = List.of();
        if (name().equals("else")) {
            expect(Type.BLOCK_END, null);
            orElse = statements(Set.of("endfor"));
            name();
        }
        expect(Type.BLOCK_END, null);
        return new Node.For(targets, iter, filter, body, orElse);
    }

    private List<String> assignTargets() {
        List<String> names = new ArrayList<>();
        boolean paren = skipIf(Type.OP, "(");
        names.add(name());
        while (skipIf(Type.OP, ",")) {
            if (peek().type() != Type.NAME || peek().is(Type.NAME, "in")) {
                break;
            }
            names.add(name());
        }
        if (paren) {
            expect(Type.OP, ")");
        }
        return names;
    }

    private Stmt setStatement() {
        if (peek().type() == Type.NAME && peek(1).is(Type.OP, ".")) {
            String ns = name();
            next();
            String attr = name();
            expect(Type.OP, "=");
            Expr value = tupleOrExpr();
            expect(Type.BLOCK_END, null);
            return new Node.Set(List.of(ns), attr, value);
        }
        List<String> targets = assignTargets();
        if (skipIf(Type.OP, "=")) {
            Expr value = tupleOrExpr();
            expect(Type.BLOCK_END, null);
            return new Node.Set(targets, null, value);
        }
        if (targets.size() != 1 || peek().is(Type.OP, "|")) {
            throw TemplateError.unsupported("this form of {% set %} (line " + peek().line() + ")");
        }
        expect(Type.BLOCK_END, null);
        List<Stmt> body = statements(Set.of("endset"));
        endTag("endset");
        return new Node.SetBlock(targets.get(0), body);
    }

    private Stmt macro() {
        String name = name();
        expect(Type.OP, "(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!skipIf(Type.OP, ")")) {
            if (!params.isEmpty()) {
                expect(Type.OP, ",");
                if (skipIf(Type.OP, ")")) {
                    break;
                }
            }
            params.add(name());
            if (skipIf(Type.OP, "=")) {
                defaults.add(expression());
            } else if (!defaults.isEmpty()) {
                throw TemplateError.syntax(peek().line(), "non-default argument follows default argument");
            }
        }
        expect(Type.BLOCK_END, null);
        List<Stmt> body = statements(Set.of("endmacro"));
        endTag("endmacro");
        return new Node.Macro(name, params, defaults, body);
    }

    private Expr tupleOrExpr() {
        return tuple(true);
    }

    /** An expression, or an implicit tuple of them ({@code a, b}) as jinja2's parse_tuple allows. */
    private Expr tuple(boolean withCondExpr) {
        Expr first = withCondExpr ? expression() : or();
        if (!peek().is(Type.OP, ",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (skipIf(Type.OP, ",")) {
            if (peek().type() == Type.BLOCK_END || peek().type() == Type.VAR_END || peek().is(Type.NAME, "if")) {
                break;
            }
            items.add(withCondExpr ? expression() : or());
        }
        return new Node.TupleLit(items);
    }

    private Expr expression() {
        Expr expr = or();
        while (skipIf(Type.NAME, "if")) {
            Expr test = or();
            Expr orElse = skipIf(Type.NAME, "else") ? expression() : null;
            expr = new Node.CondExpr(test, expr, orElse);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (skipIf(Type.NAME, "or")) {
            left = new Node.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (skipIf(Type.NAME, "and")) {
            left = new Node.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (skipIf(Type.NAME, "not")) {
            return new Node.Unary("not", not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = math1();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OP && COMPARE.contains(t.value())) {
                next();
                ops.add(t.value());
            } else if (t.is(Type.NAME, "in")) {
                next();
                ops.add("in");
            } else if (t.is(Type.NAME, "not") && peek(1).is(Type.NAME, "in")) {
                at += 2;
                ops.add("notin");
            } else {
                break;
            }
            operands.add(math1());
        }
        return ops.isEmpty() ? first : new Node.Compare(first, ops, operands);
    }

    private Expr math1() {
        Expr left = concat();
        while (peek().is(Type.OP, "+") || peek().is(Type.OP, "-")) {
            left = new Node.Binary(next().value(), left, concat());
        }
        return left;
    }

    private Expr concat() {
        List<Expr> parts = new ArrayList<>(List.of(math2()));
        while (skipIf(Type.OP, "~")) {
            parts.add(math2());
        }
        return parts.size() == 1 ? parts.get(0) : new Node.Concat(parts);
    }

    private Expr math2() {
        Expr left = pow();
        while (peek().type() == Type.OP && Set.of("*", "/", "//", "%").contains(peek().value())) {
            left = new Node.Binary(next().value(), left, pow());
        }
        return left;
    }

    private Expr pow() {
        Expr left = unary(true);
        while (skipIf(Type.OP, "**")) {
            left = new Node.Binary("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilter) {
        Expr node;
        if (skipIf(Type.OP, "-")) {
            node = new Node.Unary("-", unary(false));
        } else if (skipIf(Type.OP, "+")) {
            node = new Node.Unary("+", unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilter ? filterExpr(node) : node;
    }

    private Expr primary() {
        Token t = next();
        switch (t.type()) {
            case NAME:
                switch (t.value()) {
                    case "true": case "True": return new Node.Const(Boolean.TRUE);
                    case "false": case "False": return new Node.Const(Boolean.FALSE);
                    case "none": case "None": return new Node.Const(null);
                    default: return new Node.Name(t.value(), t.line());
                }
            case STRING: {
                StringBuilder s = new StringBuilder(t.value());
                while (peek().type() == Type.STRING) {
                    s.append(next().value());
                }
                return new Node.Const(s.toString());
            }
            case INT: return new Node.Const(parseInt(t.value()));
            case FLOAT: return new Node.Const(Double.parseDouble(t.value().replace("_", "")));
            case OP:
                if (t.value().equals("(")) {
                    if (skipIf(Type.OP, ")")) {
                        return new Node.TupleLit(List.of());
                    }
                    Expr inner = expression();
                    if (peek().is(Type.OP, ",")) {
                        List<Expr> items = new ArrayList<>(List.of(inner));
                        while (skipIf(Type.OP, ",") && !peek().is(Type.OP, ")")) {
                            items.add(expression());
                        }
                        inner = new Node.TupleLit(items);
                    }
                    expect(Type.OP, ")");
                    return inner;
                }
                if (t.value().equals("[")) {
                    List<Expr> items = new ArrayList<>();
                    while (!skipIf(Type.OP, "]")) {
                        if (!items.isEmpty()) {
                            expect(Type.OP, ",");
                            if (skipIf(Type.OP, "]")) {
                                break;
                            }
                        }
                        items.add(expression());
                    }
                    return new Node.ListLit(items);
                }
                if (t.value().equals("{")) {
                    List<Expr> keys = new ArrayList<>();
                    List<Expr> values = new ArrayList<>();
                    while (!skipIf(Type.OP, "}")) {
                        if (!keys.isEmpty()) {
                            expect(Type.OP, ",");
                            if (skipIf(Type.OP, "}")) {
                                break;
                            }
                        }
                        keys.add(expression());
                        expect(Type.OP, ":");
                        values.add(expression());
                    }
                    return new Node.DictLit(keys, values);
                }
                break;
            default:
                break;
        }
        throw TemplateError.syntax(t.line(), "unexpected '" + (t.type() == Type.EOF ? "end of template" : t.value()) + "'");
    }

    private static Object parseInt(String text) {
        String digits = text.replace("_", "").toLowerCase();
        try {
            if (digits.startsWith("0x")) {
                return Long.parseLong(digits.substring(2), 16);
            } else if (digits.startsWith("0o")) {
                return Long.parseLong(digits.substring(2), 8);
            } else if (digits.startsWith("0b")) {
                return Long.parseLong(digits.substring(2), 2);
            }
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw TemplateError.unsupported("the integer literal " + text + " (beyond 64 bits)");
        }
    }

    private Expr postfix(Expr node) {
        while (true) {
            if (skipIf(Type.OP, ".")) {
                Token attr = next();
                if (attr.type() == Type.NAME) {
                    node = new Node.GetAttr(node, attr.value());
                } else if (attr.type() == Type.INT) {
                    node = new Node.GetItem(node, new Node.Const(parseInt(attr.value())));
                } else {
                    throw TemplateError.syntax(attr.line(), "expected name or number after '.'");
                }
            } else if (skipIf(Type.OP, "[")) {
                node = subscript(node);
            } else if (peek().is(Type.OP, "(")) {
                node = call(node);
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr target) {
        Expr start = null;
        if (!peek().is(Type.OP, ":")) {
            start = expression();
            if (skipIf(Type.OP, "]")) {
                return new Node.GetItem(target, start);
            }
            if (peek().is(Type.OP, ",")) {
                throw TemplateError.unsupported("tuple subscripts (line " + peek().line() + ")");
            }
        }
        expect(Type.OP, ":");
        Expr stop = null;
        Expr step = null;
        if (!peek().is(Type.OP, "]") && !peek().is(Type.OP, ":")) {
            stop = expression();
        }
        if (skipIf(Type.OP, ":") && !peek().is(Type.OP, "]")) {
            step = expression();
        }
        expect(Type.OP, "]");
        return new Node.Slice(target, start, stop, step);
    }

    private Node.Call call(Expr target) {
        Args a = args();
        return new Node.Call(target, a.positional, a.names, a.values);
    }

    private record Args(List<Expr> positional, List<String> names, List<Expr> values) {
    }

    private Args args() {
        expect(Type.OP, "(");
        Args a = new Args(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        while (!skipIf(Type.OP, ")")) {
            if (!a.positional.isEmpty() || !a.names.isEmpty()) {
                expect(Type.OP, ",");
                if (skipIf(Type.OP, ")")) {
                    break;
                }
            }
            if (peek().is(Type.OP, "*") || peek().is(Type.OP, "**")) {
                throw TemplateError.unsupported("*args / **kwargs in calls (line " + peek().line() + ")");
            }
            if (peek().type() == Type.NAME && peek(1).is(Type.OP, "=")) {
                a.names.add(name());
                next();
                a.values.add(expression());
            } else {
                if (!a.names.isEmpty()) {
                    throw TemplateError.syntax(peek().line(), "positional argument follows keyword argument");
                }
                a.positional.add(expression());
            }
        }
        return a;
    }

    private Expr filterExpr(Expr node) {
        while (true) {
            if (skipIf(Type.OP, "|")) {
                String name = filterName();
                Args a = peek().is(Type.OP, "(") ? args() : new Args(List.of(), List.of(), List.of());
                Builtins.checkFilter(name, peek().line());
                node = new Node.Filter(node, name, a.positional, a.names, a.values);
            } else if (skipIf(Type.NAME, "is")) {
                boolean negated = skipIf(Type.NAME, "not");
                String name = filterName();
                List<Expr> testArgs = new ArrayList<>();
                Token t = peek();
                if (t.is(Type.OP, "(")) {
                    Args a = args();
                    if (!a.names.isEmpty()) {
                        throw TemplateError.unsupported("keyword arguments to tests");
                    }
                    testArgs.addAll(a.positional);
                } else if ((t.type() == Type.NAME && !Set.of("else", "or", "and", "if", "in", "not", "is").contains(t.value()))
                        || t.type() == Type.STRING || t.type() == Type.INT || t.type() == Type.FLOAT
                        || t.is(Type.OP, "[") || t.is(Type.OP, "{")) {
                    testArgs.add(postfix(primary()));
                }
                Builtins.checkTest(name, peek().line());
                node = new Node.Test(node, name, testArgs, negated);
            } else if (peek().is(Type.OP, "(")) {
                node = call(node);
            } else {
                return node;
            }
        }
    }

    /** A filter or test name, dotted names included ({@code is sameas} style names have no dots in jinja2's set). */
    private String filterName() {
        StringBuilder name = new StringBuilder(name());
        while (peek().is(Type.OP, ".")) {
            next();
            name.append('.').append(name());
        }
        return name.toString();
    }
}
