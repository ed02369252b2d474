package io.maskimpact.model.hf.jinja;

import java.util.List;

/** The parsed template: statements and expressions, as jinja2's parser builds them. Immutable. */
final class Node {
    private Node() {
    }

    interface Stmt {
    }

    interface Expr {
    }

    record Output(String text) implements Stmt {
    }

    record Print(Expr expr) implements Stmt {
    }

    record If(List<Expr> conditions, List<List<Stmt>> bodies, List<Stmt> orElse) implements Stmt {
    }

    /** {@code targets} has one name, or several to unpack each item. */
    record For(List<String> targets, Expr iter, Expr filter, List<Stmt> body, List<Stmt> orElse) implements Stmt {
    }

    /** {@code set a = ...}, {@code set a, b = ...} or {@code set ns.attr = ...} ({@code attr} non-null). */
    record Set(List<String> targets, String attr, Expr value) implements Stmt {
    }

    record SetBlock(String target, List<Stmt> body) implements Stmt {
    }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body) implements Stmt {
    }

    record Generation(List<Stmt> body) implements Stmt {
    }

    record LoopControl(boolean isBreak) implements Stmt {
    }

    record Const(Object value) implements Expr {
    }

    record Name(String name, int line) implements Expr {
    }

    record ListLit(List<Expr> items) implements Expr {
    }

    record TupleLit(List<Expr> items) implements Expr {
    }

    record DictLit(List<Expr> keys, List<Expr> values) implements Expr {
    }

    record GetAttr(Expr target, String attr) implements Expr {
    }

    record GetItem(Expr target, Expr key) implements Expr {
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
    }

    record Call(Expr target, List<Expr> args, List<String> kwNames, List<Expr> kwValues) implements Expr {
    }

    record Filter(Expr target, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues)
            implements Expr {
    }

    record Test(Expr target, String name, List<Expr> args, boolean negated) implements Expr {
    }

    record Unary(String op, Expr operand) implements Expr {
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr {
    }

    record Concat(List<Expr> parts) implements Expr {
    }

    record CondExpr(Expr test, Expr then, Expr orElse) implements Expr {
    }
}
