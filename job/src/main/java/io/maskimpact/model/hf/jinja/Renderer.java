package io.maskimpact.model.hf.jinja;

import io.maskimpact.model.hf.jinja.Node.Expr;
import io.maskimpact.model.hf.jinja.Node.Stmt;
import io.maskimpact.model.hf.jinja.Py.Undefined;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a parsed template once: one instance per render, so renders on different threads share nothing but
 * the immutable tree. Scoping follows jinja2: a for loop body and a macro call get their own frame (assignments
 * there do not leak out), {@code if} does not.
 */
final class Renderer {
    /** One level of variables; lookups walk to the parent. */
    static final class Frame {
        final Frame parent;
        final Map<String, Object> vars = new HashMap<>();

        Frame(Frame parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Frame f = this; f != null; f = f.parent) {
                if (f.vars.containsKey(name)) {
                    return f.vars.get(name);
                }
            }
            return new Undefined("'" + name + "' is undefined");
        }
    }

    private static final class LoopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    /** jinja2's {@code loop} object. */
    static final class Loop {
        final List<Object> items;
        int index0;

        Loop(List<Object> items) {
            this.items = items;
        }
    }

    /** A macro bound to the frame it was defined in. */
    record MacroValue(Node.Macro macro, Frame scope) {
    }

    final Frame root;

    Renderer(Map<String, Object> variables) {
        root = new Frame(null);
        variables.forEach((k, v) -> root.vars.put(k, Py.fromJava(v)));
    }

    String render(List<Stmt> body) {
        StringBuilder out = new StringBuilder();
        exec(body, root, out);
        return out.toString();
    }

    void exec(List<Stmt> body, Frame frame, StringBuilder out) {
        for (Stmt s : body) {
            exec(s, frame, out);
        }
    }

    private void exec(Stmt s, Frame frame, StringBuilder out) {
        if (s instanceof Node.Output o) {
            out.append(o.text());
        } else if (s instanceof Node.Print p) {
            out.append(Py.str(eval(p.expr(), frame)));
        } else if (s instanceof Node.If i) {
            for (int k = 0; k < i.conditions().size(); k++) {
                if (Py.truthy(eval(i.conditions().get(k), frame))) {
                    exec(i.bodies().get(k), frame, out);
                    return;
                }
            }
            exec(i.orElse(), frame, out);
        } else if (s instanceof Node.For f) {
            forLoop(f, frame, out);
        } else if (s instanceof Node.Set set) {
            assign(set, frame);
        } else if (s instanceof Node.SetBlock sb) {
            StringBuilder captured = new StringBuilder();
            exec(sb.body(), frame, captured);
            frame.vars.put(sb.target(), captured.toString());
        } else if (s instanceof Node.Macro m) {
            frame.vars.put(m.name(), new MacroValue(m, frame));
        } else if (s instanceof Node.Generation g) {
            exec(g.body(), frame, out);
        } else if (s instanceof Node.LoopControl c) {
            throw new LoopSignal(c.isBreak());
        }
    }

    private void assign(Node.Set set, Frame frame) {
        Object value = eval(set.value(), frame);
        if (set.attr() != null) {
            Object target = frame.lookup(set.targets().get(0));
            if (!(target instanceof Py.Namespace ns)) {
                throw TemplateError.render("cannot assign attribute on non-namespace object");
            }
            ns.attrs.put(set.attr(), value);
        } else if (set.targets().size() == 1) {
            frame.vars.put(set.targets().get(0), value);
        } else {
            unpack(set.targets(), value, frame);
        }
    }

    private static void unpack(List<String> targets, Object value, Frame frame) {
        List<Object> items = Py.iterate(value);
        if (items.size() != targets.size()) {
            throw TemplateError.render((items.size() < targets.size() ? "not enough" : "too many")
                    + " values to unpack (expected " + targets.size() + ")");
        }
        for (int i = 0; i < targets.size(); i++) {
            frame.vars.put(targets.get(i), items.get(i));
        }
    }

    private void forLoop(Node.For f, Frame frame, StringBuilder out) {
        Object iterable = eval(f.iter(), frame);
        if (iterable == null) {
            throw TemplateError.render("'NoneType' object is not iterable");
        }
        List<Object> items = Py.iterate(iterable);
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Frame test = new Frame(frame);
                bind(f.targets(), item, test);
                if (Py.truthy(eval(f.filter(), test))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        Loop loop = new Loop(items);
        for (int i = 0; i < items.size(); i++) {
            loop.index0 = i;
            Frame body = new Frame(frame);
            body.vars.put("loop", loop);
            bind(f.targets(), items.get(i), body);
            try {
                exec(f.body(), body, out);
            } catch (LoopSignal signal) {
                if (signal.isBreak) {
                    break;
                }
            }
        }
        if (items.isEmpty()) {
            exec(f.orElse(), frame, out);
        }
    }

    private static void bind(List<String> targets, Object item, Frame frame) {
        if (targets.size() == 1) {
            frame.vars.put(targets.get(0), item);
        } else {
            unpack(targets, item, frame);
        }
    }

    Object eval(Expr e, Frame frame) {
        if (e instanceof Node.Const c) {
            return c.value();
        }
        if (e instanceof Node.Name n) {
            return frame.lookup(n.name());
        }
        if (e instanceof Node.ListLit l) {
            List<Object> items = new ArrayList<>();
            l.items().forEach(x -> items.add(eval(x, frame)));
            return items;
        }
        if (e instanceof Node.TupleLit t) {
            List<Object> items = new ArrayList<>();
            t.items().forEach(x -> items.add(eval(x, frame)));
            return new Py.Tuple(items);
        }
        if (e instanceof Node.DictLit d) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                map.put(eval(d.keys().get(i), frame), eval(d.values().get(i), frame));
            }
            return map;
        }
        if (e instanceof Node.GetAttr g) {
            return Builtins.getattr(eval(g.target(), frame), g.attr());
        }
        if (e instanceof Node.GetItem g) {
            return Builtins.getitem(eval(g.target(), frame), eval(g.key(), frame));
        }
        if (e instanceof Node.Slice s) {
            return Builtins.slice(eval(s.target(), frame), evalOrNull(s.start(), frame), evalOrNull(s.stop(), frame),
                    evalOrNull(s.step(), frame));
        }
        if (e instanceof Node.Call c) {
            return call(c, frame);
        }
        if (e instanceof Node.Filter f) {
            return Builtins.filter(this, f.name(), eval(f.target(), frame), evalAll(f.args(), frame),
                    kwargs(f.kwNames(), f.kwValues(), frame));
        }
        if (e instanceof Node.Test t) {
            boolean result = Builtins.test(t.name(), eval(t.target(), frame), evalAll(t.args(), frame));
            return result != t.negated();
        }
        if (e instanceof Node.Unary u) {
            return unary(u.op(), eval(u.operand(), frame));
        }
        if (e instanceof Node.Binary b) {
            if (b.op().equals("and")) {
                Object left = eval(b.left(), frame);
                return Py.truthy(left) ? eval(b.right(), frame) : left;
            }
            if (b.op().equals("or")) {
                Object left = eval(b.left(), frame);
                return Py.truthy(left) ? left : eval(b.right(), frame);
            }
            return Builtins.binary(b.op(), eval(b.left(), frame), eval(b.right(), frame));
        }
        if (e instanceof Node.Compare c) {
            Object left = eval(c.first(), frame);
            for (int i = 0; i < c.ops().size(); i++) {
                Object right = eval(c.operands().get(i), frame);
                if (!Builtins.compare(c.ops().get(i), left, right)) {
                    return false;
                }
                left = right;
            }
            return true;
        }
        if (e instanceof Node.Concat c) {
            StringBuilder sb = new StringBuilder();
            c.parts().forEach(p -> sb.append(Py.str(eval(p, frame))));
            return sb.toString();
        }
        if (e instanceof Node.CondExpr c) {
            if (Py.truthy(eval(c.test(), frame))) {
                return eval(c.then(), frame);
            }
            return c.orElse() == null ? new Undefined("the inline if-expression evaluated to false and no else"
                    + " section was defined") : eval(c.orElse(), frame);
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    private Object evalOrNull(Expr e, Frame frame) {
        return e == null ? null : eval(e, frame);
    }

    private List<Object> evalAll(List<Expr> exprs, Frame frame) {
        List<Object> values = new ArrayList<>();
        exprs.forEach(x -> values.add(eval(x, frame)));
        return values;
    }

    private Map<String, Object> kwargs(List<String> names, List<Expr> values, Frame frame) {
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            kw.put(names.get(i), eval(values.get(i), frame));
        }
        return kw;
    }

    private static Object unary(String op, Object v) {
        if (op.equals("not")) {
            return !Py.truthy(v);
        }
        if (v instanceof Undefined u) {
            throw u.error();
        }
        if (!Py.isNumber(v)) {
            throw TemplateError.render("bad operand type for unary " + op + ": '" + Py.typeName(v) + "'");
        }
        if (op.equals("+")) {
            return v instanceof Boolean ? Py.toLong(v) : v;
        }
        return v instanceof Double d ? (Object) (-d) : (Object) (-Py.toLong(v));
    }

    private Object call(Node.Call c, Frame frame) {
        List<Object> args = evalAll(c.args(), frame);
        Map<String, Object> kw = kwargs(c.kwNames(), c.kwValues(), frame);
        if (c.target() instanceof Node.GetAttr g) {
            Object self = eval(g.target(), frame);
            return Builtins.callMethod(self, g.attr(), args, kw);
        }
        Object fn = eval(c.target(), frame);
        if (fn instanceof MacroValue m) {
            return callMacro(m, args, kw);
        }
        if (c.target() instanceof Node.Name n && fn instanceof Undefined) {
            return Builtins.callGlobal(n.name(), args, kw);
        }
        if (fn instanceof Undefined u) {
            throw u.error();
        }
        throw TemplateError.render("'" + Py.typeName(fn) + "' object is not callable");
    }

    private String callMacro(MacroValue m, List<Object> args, Map<String, Object> kw) {
        Node.Macro macro = m.macro();
        if (args.size() > macro.params().size()) {
            throw TemplateError.unsupported("extra positional arguments to macro '" + macro.name() + "' (varargs)");
        }
        Frame scope = new Frame(m.scope());
        int firstDefault = macro.params().size() - macro.defaults().size();
        for (int i = 0; i < macro.params().size(); i++) {
            String p = macro.params().get(i);
            Object value;
            if (i < args.size()) {
                value = args.get(i);
            } else if (kw.containsKey(p)) {
                value = kw.remove(p);
            } else if (i >= firstDefault) {
                value = eval(macro.defaults().get(i - firstDefault), scope);
            } else {
                value = new Undefined("parameter '" + p + "' was not provided");
            }
            scope.vars.put(p, value);
        }
        if (!kw.isEmpty()) {
            throw TemplateError.unsupported("keyword arguments " + kw.keySet() + " that macro '" + macro.name()
                    + "' does not declare (kwargs)");
        }
        StringBuilder out = new StringBuilder();
        exec(macro.body(), scope, out);
        return out.toString();
    }
}
