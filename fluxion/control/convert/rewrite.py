"""Rewriting a function's AST: `if`, `while` and `for` into calls of the runtime helpers.

After `lower.py` has turned jumps into flags, each statement becomes functions of its state
(the locals it may change) and one call that decides at run time how to run them:

    if x > 0:                       def _cf_then_1(y):
        y = f(y)                        y = _cf_rt.cv(f)(y)
                           ->           return (y,)
                                    def _cf_else_1(y):
                                        return (y,)
                                    (y,) = _cf_rt.if_stmt(x > 0, _cf_then_1, _cf_else_1, (y,), ('y',), (), 'f.py:3')

`while` gives a test and a body function, `for` a body function of the item (and, when
the loop can end early, a function telling whether to go on). Every call goes through
`cv`, which converts user functions as they are called; `and`, `or`, `not`, `x if c else y`
and chained comparisons become helpers that also accept traced values (an operand holding a
walrus gives back the variables it assigns, see _Expressions); `assert` tests and
comprehension filters go through checks that refuse traced values. `match` statements were
made `if` chains before (match.py). Generated nodes take the line of the statement they
replace, so tracebacks point at the user's lines.
A generator cannot be split into functions: in one, only the conditions are checked.
"""
from __future__ import annotations

import ast

from .lower import Names, locate, lower_function, not_any, runtime
from .match import desugar_matches
from .scopes import Scope, changes

# calls that depend on the calling frame (or are harmless builtins called very often)
_KEEP = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "dir", "isinstance", "len"})
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Is: "is",
            ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_LABEL_LENGTH = 40
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _label(node: ast.expr) -> str:
    """An expression's source, shortened, for messages."""
    label = ast.unparse(node)
    return label if len(label) <= _LABEL_LENGTH else label[:_LABEL_LENGTH - 3] + "..."


def _lambda(body: ast.expr, params: list[str] = ()) -> ast.Lambda:
    return ast.Lambda(ast.arguments([], [ast.arg(p) for p in params], None, [], [], None, []), body)


def _suspends(node: ast.AST) -> bool:
    """Whether moving part of `node` into a lambda would change what it does (it yields or awaits)."""
    return any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in ast.walk(node))


def _names(names: list[str], ctx) -> ast.Tuple:
    return ast.Tuple([ast.Name(n, ctx()) for n in names], ctx())


class _Expressions(ast.NodeTransformer):
    """Calls through `cv`; boolean operators, conditional expressions, chained comparisons as helpers.

    An operand that Python evaluates only sometimes becomes a lambda. A walrus in it would bind
    the lambda's variable, so such an operand is `lambda y: (operand, y)` for the variables `y`
    it assigns: the helper gives their values back with the expression's, and a walrus outside
    the lambda binds them, `(t := helper(..., state=(y,)), y := t[1], t[0])[-1]`.
    """

    def __init__(self, rewriter: Rewriter):
        self.rw = rewriter

    def rt(self, attr: str) -> ast.Attribute:
        return runtime(self.rw.names, attr)

    def visit_Lambda(self, node):  # converted on its own when it is called
        return node

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name) and f.id == "super" and not node.args and self.rw.first_param:
            # zero-argument super() finds its class and instance in the calling frame, which is
            # a generated function once the call sits in a converted statement: name them
            node.args = [ast.Name("__class__", ast.Load()), ast.Name(self.rw.first_param, ast.Load())]
        if isinstance(f, ast.Name) and f.id in _KEEP or _is_runtime(f, self.rw.names):
            return node
        node.func = locate(ast.Call(self.rt("cv"), [f], []), f)
        return node

    def _helper(self, helper: str, args: list[ast.expr], state: list[str], label: str, node: ast.expr) -> ast.Call:
        """`helper(*args, label=, where=)`, with `state=` (the variables that the lambdas in `args` assign);
        `label` is `node`'s source, taken before its parts were rewritten."""
        keywords = [ast.keyword("label", ast.Constant(label)), ast.keyword("where", ast.Constant(self.rw.where(node)))]
        if state:
            cells = [n for n in state if n not in self.rw.scope.locals]
            keywords += [ast.keyword("state", _names(state, ast.Load)),
                         ast.keyword("names", ast.Constant(tuple(map(self.rw.names.describe, state)))),
                         ast.keyword("cells", ast.Constant(self.rw.describe_cells(cells)))]
        return ast.Call(self.rt(helper), args, keywords)

    def _bind(self, call: ast.Call, state: list[str], node: ast.expr) -> ast.expr:
        """The value of a helper's `call`, binding the variables of its `state` to what it gives."""
        if state:
            self.rw.state.update(dict.fromkeys(n for n in state if n in self.rw.scope.locals))  # undefined at first
            out = self.rw.names("value")
            item = lambda i: ast.Subscript(ast.Name(out, ast.Load()), ast.Constant(i), ast.Load())
            parts = [ast.NamedExpr(ast.Name(out, ast.Store()), call)]
            parts += [ast.NamedExpr(ast.Name(n, ast.Store()), item(i)) for i, n in enumerate(state, 1)]
            call = ast.Subscript(ast.Tuple([*parts, item(0)], ast.Load()), ast.Constant(-1), ast.Load())
        return locate(call, node)

    def _lazy(self, node: ast.expr, state: list[str]) -> ast.Lambda:
        """An operand evaluated only sometimes, as a function of `state` (see the class)."""
        body = self.visit(node)
        return _lambda(ast.Tuple([body, *_names(state, ast.Load).elts], ast.Load()) if state else body, state)

    def visit_BoolOp(self, node: ast.BoolOp):
        if _suspends(node):
            return self.generic_visit(node)
        helper, label = "and_" if isinstance(node.op, ast.And) else "or_", _label(node)
        state = _assigned(node.values[1:])
        first = self.visit(node.values[0])
        out = self._lazy(node.values[-1], state)
        for v in reversed(node.values[1:-1]):  # `a and b and c` is `a and (b and c)`: the inner helper gives the state
            out = _lambda(self._helper(helper, [self.visit(v), out], state, label, node), state)
        return self._bind(self._helper(helper, [first, out], state, label, node), state, node)

    def visit_UnaryOp(self, node: ast.UnaryOp):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return locate(ast.Call(self.rt("not_"), [node.operand], []), node)
        return node

    def visit_IfExp(self, node: ast.IfExp):
        if _suspends(node):
            return self.generic_visit(node)
        state, label = _assigned([node.body, node.orelse]), _label(node)
        args = [self.visit(node.test), self._lazy(node.body, state), self._lazy(node.orelse, state)]
        return self._bind(self._helper("ifexp", args, state, label, node), state, node)

    def visit_comprehension(self, node: ast.comprehension):
        """A filter must be concrete: a traced one would make the result's length depend on data."""
        self.generic_visit(node)
        node.ifs = [locate(ast.Call(self.rt("filter_test"), [f, ast.Constant(self.rw.where(f))], []), f)
                    for f in node.ifs]
        return node

    def visit_Compare(self, node: ast.Compare):
        """`a < b < c`: `b` is always evaluated, `c` only when `a < b` holds; `a in b` tests each item."""
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            self.generic_visit(node)
            return locate(ast.Call(self.rt("contains"), [node.left, node.comparators[0],
                                                          ast.Constant(isinstance(node.ops[0], ast.NotIn))], []), node)
        if len(node.ops) == 1 or _suspends(node):
            return self.generic_visit(node)
        state, label = _assigned(node.comparators[1:]), _label(node)
        args = [self.visit(node.left), ast.Constant(_COMPARE[type(node.ops[0])]), self.visit(node.comparators[0])]
        for op, right in zip(node.ops[1:], node.comparators[1:]):
            args += [ast.Constant(_COMPARE[type(op)]), self._lazy(right, state)]
        return self._bind(self._helper("compare", args, state, label, node), state, node)


def _assigned(nodes: list[ast.expr]) -> list[str]:
    """The variables that walrus expressions in `nodes` assign (in the scope around them)."""
    return list(changes(nodes).assigned)


class Rewriter:
    """Rewrites the statements of one function (nested functions are converted when called)."""

    def __init__(self, node: ast.FunctionDef | ast.Lambda, filename: str, names: Names,
                 captured: frozenset[str] = frozenset()):
        self.node, self.filename, self.names = node, filename, names
        # the functions of the user's nested in this one, each with the locals it closes over
        self.closures = [(n, {v.id for v in ast.walk(n) if isinstance(v, ast.Name)} & captured)
                         for n in ast.walk(node) if isinstance(n, _FUNCTIONS) and n is not node] if captured else []
        # the locals those functions assign (`nonlocal k; k += 1`): a call in any statement may change them
        self.closure_writes = list(dict.fromkeys(v for n in ast.walk(node) if isinstance(n, ast.Nonlocal)
                                                 for v in n.names if v in captured))
        self.scope = Scope(node)
        positional = node.args.posonlyargs + node.args.args
        self.first_param = positional[0].arg if positional else None
        self.expressions = _Expressions(self)
        self.state: dict[str, None] = {}  # every name a statement or an operand carries (undefined at the start)

    def where(self, node: ast.AST) -> str:
        return f"{self.filename}:{node.lineno}"

    def describe_cells(self, cells: list[str]) -> tuple[str, ...]:
        """How messages name global and nonlocal names, and attributes ("name.attr")."""
        scope = self.scope
        return tuple(f"attribute `{c}`" if "." in c else f"global name `{c}`" if c in scope.globals else
                     f"nonlocal name `{c}`" if c in scope.nonlocals else f"outer variable `{c}`" for c in cells)

    def expr(self, node: ast.expr) -> ast.expr:
        return self.expressions.visit(node)

    def rt(self, attr: str) -> ast.Attribute:
        return runtime(self.names, attr)

    # the function ---------------------------------------------------------------------------
    def function(self):
        node = self.node
        if isinstance(node, ast.Lambda):
            body = self.expr(node.body)
            first = [ast.NamedExpr(ast.Name(n, ast.Store()), self._undefined(n)) for n in self.state
                     if n not in self.scope.params]  # a walrus's variables: undefined at first, as in a function
            if first:
                body = locate(ast.Subscript(ast.Tuple([*first, body], ast.Load()), ast.Constant(-1), ast.Load()), body)
            node.body = body
            return node
        doc = node.body[:1] if _docstring(node.body) else []
        body = node.body[len(doc):]
        node.decorator_list = []
        if not body:
            return node
        body = desugar_matches(body, self.names, self.filename)
        if not self.scope.generator:
            body = lower_function(body, self.names)
        self.scope.add_locals(changes(body).assigned)  # the flags and temporaries match.py and lowering made
        body = self.stmts(body)
        prologue = [locate(ast.Assign([ast.Name(n, ast.Store())], self._undefined(n)), body[0])
                    for n in self.state if n not in self.scope.params]
        node.body = doc + prologue + body
        return node

    def _undefined(self, name: str) -> ast.Call:
        return ast.Call(self.rt("undef"), [ast.Constant(name)], [])

    # statements -----------------------------------------------------------------------------
    def stmts(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out = []
        for s in stmts:
            out.extend(locate(new, s) for new in self.stmt(s))
        return out

    def stmt(self, s: ast.stmt) -> list[ast.stmt]:
        if self.scope.generator and isinstance(s, (ast.If, ast.While, ast.For)):  # stays a statement, checked
            if isinstance(s, ast.For):
                s.iter = self.expr(s.iter)
            else:
                s.test = ast.Call(self.rt("static_test"), [self.expr(s.test), ast.Constant(self.where(s))], [])
            s.body, s.orelse = self.stmts(s.body), self.stmts(s.orelse)
            return [s]
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is not None:
            return method(s)
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [s]
        return [self.expr(s)]

    def _shared(self, s: ast.stmt) -> set[str]:
        """The variables that a function of the user's defined outside statement `s` closes over:
        one it calls while `s` runs must see the values they have there. (A function defined
        inside `s` closes over the variables of the pass that made it, which a custom rule
        called later, when the body is differentiated, needs.)"""
        if not self.closures:
            return set()
        inside = {id(n) for n in ast.walk(s)}
        return {v for n, names in self.closures if id(n) not in inside for v in names}

    def _def(self, kind: str, params: list[str], cells: list[str], body: list[ast.stmt],
             shared: set[str] = frozenset()) -> ast.FunctionDef:
        """A function of `params` running `body`. A parameter of `shared` (see `_shared`) stays the
        variable of the function around (nonlocal), set from the argument on entry."""
        captured = [p for p in params if p in shared]
        entry = [ast.Assign([ast.Name(p, ast.Store())], ast.Name(self._argument(p), ast.Load())) for p in captured]
        decls = []
        declared = [(ast.Global, [c for c in cells if c in self.scope.globals]),
                    (ast.Nonlocal, [c for c in cells if c in self.scope.nonlocals] + captured)]
        for cls, names in declared:
            if names:
                decls.append(cls(names))
        args = ast.arguments([], [ast.arg(self._argument(p) if p in shared else p) for p in params], None, [], [],
                             None, [])
        return ast.FunctionDef(self.names(kind), args, decls + entry + body, [], None, None)

    def _argument(self, name: str) -> str:
        """The parameter that passes the value of captured variable `name` into a generated function."""
        return f"{self.names.prefix}_arg_{name}"

    def _call(self, helper: str, args: list[ast.expr], state: list[str], cells: list[str], s: ast.stmt):
        """`(state) = helper(*args, (state), names, cells, where)`."""
        self.state.update(dict.fromkeys(state))
        labels = tuple(map(self.names.describe, state))
        call = ast.Call(self.rt(helper), [*args, _names(state, ast.Load), ast.Constant(labels),
                                          ast.Constant(self.describe_cells(cells)), ast.Constant(self.where(s))], [])
        return ast.Assign([_names(state, ast.Store)], call) if state else ast.Expr(call)

    def _returning(self, state: list[str], body: list[ast.stmt]) -> list[ast.stmt]:
        return body + [ast.Return(_names(state, ast.Load))]

    def _split(self, nodes: list[ast.AST]) -> tuple[list[str], list[str]]:
        """(state, cells) of a statement of `nodes` (see `Scope.split`), its state with the locals
        that nested functions assign, which it may call."""
        state, cells = self.scope.split(changes(nodes))
        return state + [v for v in self.closure_writes if v not in state], cells

    def stmt_If(self, s: ast.If):
        state, cells = self._split(s.body + s.orelse)
        shared = self._shared(s)
        then = self._def("then", state, cells, self._returning(state, self.stmts(s.body)), shared)
        orelse = self._def("else", state, cells, self._returning(state, self.stmts(s.orelse)), shared)
        args = [self.expr(s.test), ast.Name(then.name, ast.Load()), ast.Name(orelse.name, ast.Load())]
        call = self._call("if_stmt", args, state, cells, s)
        kind = getattr(s, "kind", "if")
        if kind != "if":
            call.value.keywords.append(ast.keyword("kind", ast.Constant(kind)))
        return [then, orelse, call]

    def stmt_While(self, s: ast.While):
        state, cells = self._split(s.body)
        test = s.test
        stops = getattr(s, "stops", [])
        if stops:  # a break or return ends the loop: test the flags first, as Python would not test again
            test = locate(ast.BoolOp(ast.And(), [not_any(self.names, stops), test]), s.test)
        shared = self._shared(s)
        test_fn = self._def("test", state, [], [ast.Return(self.expr(test))], shared)
        body = self._def("body", state, cells, self._returning(state, self.stmts(s.body)), shared)
        args = [ast.Name(test_fn.name, ast.Load()), ast.Name(body.name, ast.Load())]
        return [test_fn, body, self._call("while_stmt", args, state, cells, s)]  # lower.py moved `else` out

    def stmt_For(self, s: ast.For):
        state, cells = self._split([s.target, *s.body])
        item = self.names("item")
        bind = locate(ast.Assign([s.target], ast.Name(item, ast.Load())), s.target)
        shared = self._shared(s)
        body = self._def("body", [item, *state], cells, self._returning(state, [bind, *self.stmts(s.body)]), shared)
        out = [body]
        stops = getattr(s, "stops", [])
        more: ast.expr = ast.Constant(None)
        if stops:
            more_fn = self._def("more", state, [], [ast.Return(not_any(self.names, stops))], shared)
            out.append(more_fn)
            more = ast.Name(more_fn.name, ast.Load())
        args = [self._iterable(s.iter), more, ast.Name(body.name, ast.Load())]
        return [*out, self._call("for_stmt", args, state, cells, s)]

    def _iterable(self, it: ast.expr, inner: bool = False) -> ast.expr:
        """`range(...)` as `range_(range, ...)`, which does not need concrete bounds,
        `reversed(range(...))` as `range_(reversed, range_(range, ...))`, and `enumerate(...)`
        and `zip(...)` as `range_(enumerate, ...)` and `range_(zip, ...)`, which know their length,
        as do those of them inside (`enumerate(zip(xs, ys))`); `inner`: an argument of those."""
        sized = _call_of(it, "enumerate", True) or _call_of(it, "zip", True)
        if ((sized or _call_of(it, "range") and not inner)  # a range inside zip stays Python's
                and not any(isinstance(a, ast.Starred) for a in it.args)):
            keywords = [ast.keyword(k.arg, self.expr(k.value)) for k in it.keywords]  # (start=, strict=)
            args = [self._iterable(a, True) if sized else self.expr(a) for a in it.args]
            return locate(ast.Call(self.rt("range_"), [it.func, *args], keywords), it)
        if not inner and _call_of(it, "reversed") and len(it.args) == 1 and _call_of(it.args[0], "range"):
            return locate(ast.Call(self.rt("range_"), [it.func, self._iterable(it.args[0])], []), it)
        return self.expr(it)

    def stmt_With(self, s: ast.With):
        items = [ast.withitem(self.expr(i.context_expr), i.optional_vars) for i in s.items]
        return [ast.With(items, self.stmts(s.body), s.type_comment)]

    def stmt_Try(self, s: ast.Try):
        handlers = [locate(ast.ExceptHandler(h.type, h.name, self.stmts(h.body)), h) for h in s.handlers]
        return [ast.Try(self.stmts(s.body), handlers, self.stmts(s.orelse), self.stmts(s.finalbody))]

    def stmt_Match(self, s: ast.Match):
        cases = [ast.match_case(c.pattern, c.guard and self.expr(c.guard), self.stmts(c.body)) for c in s.cases]
        return [ast.Match(self.expr(s.subject), cases)]

    def _local_item(self, target: ast.expr) -> bool:
        """Whether `target` is `x[...]` of a local x (which the statement can rebind)."""
        return (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and target.value.id in self.scope.locals)

    def _index(self, node: ast.expr) -> ast.expr:
        """The index of a subscript as a value: its slices `a:b:c` as slice(a, b, c)."""
        if isinstance(node, ast.Slice):
            return ast.Call(self.rt("slice_"), [self.expr(b) if b is not None else ast.Constant(None)
                                                for b in (node.lower, node.upper, node.step)], [])
        if isinstance(node, ast.Tuple):
            return ast.Tuple([self._index(e) for e in node.elts], ast.Load())
        return self.expr(node)

    def _set_item(self, target: ast.Subscript, value: ast.expr, op: str | None) -> list[ast.stmt]:
        """`x = setitem(x, index, value, op, shared)` for `x[index] = value` (op None) or `x[index] op= value`;
        `shared` names a parameter, whose update must reach the caller's array."""
        name = target.value.id
        shared = f"parameter `{name}`" if name in self.scope.shared else None
        call = ast.Call(self.rt("setitem"), [ast.Name(name, ast.Load()), self._index(target.slice), self.expr(value),
                                             ast.Constant(op), ast.Constant(shared)], [])
        return [ast.Assign([ast.Name(name, ast.Store())], call)]

    def stmt_Assign(self, s: ast.Assign):
        """`x[i] = v` of a local array rebinds x (runtime.setitem), so that x may take a traced value."""
        if len(s.targets) == 1 and self._local_item(s.targets[0]):
            return self._set_item(s.targets[0], s.value, None)
        return [self.expr(s)]

    def stmt_AugAssign(self, s: ast.AugAssign):
        if self._local_item(s.target):
            return self._set_item(s.target, s.value, type(s.op).__name__)
        return [self.expr(s)]

    def stmt_Assert(self, s: ast.Assert):
        """The test must be concrete (runtime.assert_test says why); the message is built only on failure."""
        test = ast.Call(self.rt("assert_test"), [self.expr(s.test), ast.Constant(self.where(s))], [])
        return [ast.Assert(test, s.msg and self.expr(s.msg))]

    def stmt_Return(self, s: ast.Return):
        if s.value is None or self.scope.generator:
            return [s]
        return [ast.Return(ast.Call(self.rt("result"), [self.expr(s.value)], []))]

    def stmt_Delete(self, s: ast.Delete):
        """`del x` leaves x without a value: the converted code carries that as an Undefined value."""
        names = [t for t in s.targets if isinstance(t, ast.Name) and t.id in self.scope.locals]
        out: list[ast.stmt] = [ast.Assign([ast.Name(t.id, ast.Store())], self._undefined(t.id)) for t in names]
        others = [t for t in s.targets if t not in names]
        return out + ([ast.Delete(others)] if others else [])


def _is_runtime(f: ast.expr, names: Names) -> bool:
    """Whether `f` names a runtime helper (a call the conversion itself wrote)."""
    return isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == f"{names.prefix}_rt"


def _docstring(body: list[ast.stmt]) -> bool:
    first = body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)


def _call_of(node: ast.expr, name: str, keywords: bool = False) -> bool:
    """Whether `node` is a call `name(...)` of a plain name, without keywords (or with named
    ones, if `keywords`)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
            and (all(k.arg is not None for k in node.keywords) if keywords else not node.keywords))
