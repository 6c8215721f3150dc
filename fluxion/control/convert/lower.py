"""Lowering of `return`, `break` and `continue` inside control flow into flag variables.

A converted `if` or loop becomes functions of its variables, and a jump cannot leave a
function, so jumps become assignments to flags that the code after them tests:

    for x in xs:                    brk = False
        if x > 0:                   for x in xs:           # the loop also stops when brk is set
            break          ->           if x > 0:
        y = y + x                           brk = True
                                        if not_any(brk):
                                            y = y + x

A `return` sets the return value and a `do_return` flag, and the function ends with one
`return`. When the flags hold Python bools this is ordinary Python with the same meaning;
when a traced condition sets them, they become traced booleans carried like any variable.
An `if` whose body always jumps takes the statements after it into its `else` instead of
guarding them, so `if c: return a` followed by `return b` stays one two-way branch.
"""
from __future__ import annotations

import ast
from typing import Callable

_JUMPS = (ast.Return, ast.Break, ast.Continue)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


_KINDS = {"ret": "the return value", "do_ret": "whether the function has returned",
          "brk": "whether the loop broke off", "cont": "whether the pass skipped ahead (continue)",
          "exit": "whether the loop's condition failed", "subject": "the subject of a `match`",
          "case": "which case of a `match` matched"}
RETURN_VALUE, RETURNED = _KINDS["ret"], _KINDS["do_ret"]  # how the state's labels name them (see traced_if.py)
JUMPED = frozenset({RETURNED, _KINDS["brk"], _KINDS["cont"]})  # the labels of the flags that a jump sets


class Names:
    """Fresh identifiers `<prefix>_<kind>_<n>` that clash with nothing in the function."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.count = 0

    def __call__(self, kind: str) -> str:
        self.count += 1
        return f"{self.prefix}_{kind}_{self.count}"

    def describe(self, name: str) -> str:
        """How messages call a variable: its name, or what a generated flag means."""
        if not name.startswith(self.prefix + "_"):
            return name
        return _KINDS.get(name[len(self.prefix) + 1:].rsplit("_", 1)[0], name)


def locate(node: ast.AST, at: ast.AST) -> ast.AST:
    """Give `node` and the generated nodes in it (those without a position) `at`'s first line.

    Generated code spans one line: CPython reports a method call at the last line of its
    attribute, so a helper call spanning the lines of an `if` would point at its end.
    """
    for n in ast.walk(node):
        if "lineno" in n._attributes and not hasattr(n, "lineno"):
            n.lineno = n.end_lineno = at.lineno
            n.col_offset = n.end_col_offset = at.col_offset
    return node


def _store(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def runtime(names: Names, attr: str) -> ast.Attribute:
    """The expression naming helper `attr` of the runtime module (see runtime.py)."""
    return ast.Attribute(ast.Name(f"{names.prefix}_rt", ast.Load()), attr, ast.Load())


def not_any(names: Names, flags) -> ast.Call:
    return ast.Call(runtime(names, "not_any"), [ast.Name(f, ast.Load()) for f in flags], [])


class _Loop:
    """The flags of the innermost loop, made when a jump needs them."""

    def __init__(self, names: Names):
        self.names = names
        self.brk: str | None = None
        self.cont: str | None = None

    def flag(self, kind: str) -> str:
        if getattr(self, kind) is None:
            setattr(self, kind, self.names(kind))
        return getattr(self, kind)


class _Lowering:
    def __init__(self, names: Names, returns: bool):
        self.names = names
        self.ret = names("ret") if returns else None
        self.do_ret = names("do_ret") if returns else None
        self.loop: _Loop | None = None

    # blocks ---------------------------------------------------------------------------------
    def block(self, stmts: list[ast.stmt]) -> tuple[list[ast.stmt], list[str]]:
        """The lowered statements and the flags they may set."""
        out: list[ast.stmt] = []
        for i, s in enumerate(stmts):
            new, flags = self.stmt(s)
            out.extend(new)
            if not flags:
                continue
            rest = stmts[i + 1:]
            if isinstance(s, _JUMPS) or not rest:
                return out, flags
            if isinstance(s, ast.If) and (_always_jumps(s.body) or _always_jumps(s.orelse)):
                # the statements after it run only on the branch that falls through
                side = "orelse" if _always_jumps(s.body) else "body"
                target = new[-1]
                more, more_flags = self.block(getattr(s, side) + rest)
                setattr(target, side, more)
                return out, _union(flags, more_flags)
            more, more_flags = self.block(rest)
            out.append(locate(ast.If(not_any(self.names, flags), more, []), rest[0]))
            return out, _union(flags, more_flags)
        return out, []

    # statements -----------------------------------------------------------------------------
    def stmt(self, s: ast.stmt) -> tuple[list[ast.stmt], list[str]]:
        method: Callable = getattr(self, "lower_" + type(s).__name__, None)
        if method is None:
            return [s], []
        new, flags = method(s)
        for n in new:
            locate(n, s)
        return new, flags

    def lower_Return(self, s: ast.Return):
        if self.ret is None:
            return [s], []
        value = s.value if s.value is not None else ast.Constant(None)
        return [_store(self.ret, value), _store(self.do_ret, ast.Constant(True))], [self.do_ret]

    def _jump(self, kind: str):
        flag = self.loop.flag(kind)
        return [_store(flag, ast.Constant(True))], [flag]

    def lower_Break(self, s):
        return self._jump("brk")

    def lower_Continue(self, s):
        return self._jump("cont")

    def lower_If(self, s: ast.If):
        body, f1 = self.block(s.body)
        orelse, f2 = self.block(s.orelse)
        new = ast.If(s.test, body or [ast.Pass()], orelse)
        new.kind = getattr(s, "kind", "if")  # a `case` of a match.py chain keeps its name for messages
        return [new], _union(f1, f2)

    def _loop(self, s, fields: dict):
        outer, self.loop = self.loop, _Loop(self.names)
        try:
            body, flags = self.block(s.body)
            loop = self.loop
        finally:
            self.loop = outer
        if loop.cont:
            body.insert(0, locate(_store(loop.cont, ast.Constant(False)), s.body[0]))
        stops = [f for f in (loop.brk, self.do_ret) if f is not None and f in flags]
        node = type(s)(**fields, body=body, orelse=[])
        node.stops = stops  # flags that end the loop early: read by the converter as an extra condition
        before = [_store(loop.brk, ast.Constant(False))] if loop.brk else []
        orelse, else_flags = self.block(s.orelse)
        after = [ast.If(not_any(self.names, stops), orelse, [])] if orelse and stops else orelse
        out_flags = [self.do_ret] if self.do_ret in flags else []
        return before + [node] + after, _union(out_flags, else_flags)

    def lower_While(self, s: ast.While):
        if any(isinstance(n, ast.NamedExpr) for n in ast.walk(s.test)):
            return self.block(self._test_in_body(s))
        return self._loop(s, {"test": s.test})

    def _test_in_body(self, s: ast.While) -> list[ast.stmt]:
        """`while (n := f()) > 0: ...` as `while True: if not (test): break ...`, so that the
        assignment in the condition happens in the loop body, where the converter sees it."""
        done = self.names("exit")
        leave = ast.If(ast.UnaryOp(ast.Not(), s.test), [_store(done, ast.Constant(True)), ast.Break()], [])
        loop = ast.While(ast.Constant(True), [leave, *s.body], [])
        after = [ast.If(ast.Name(done, ast.Load()), s.orelse, [])] if s.orelse else []
        return [locate(n, s) for n in (_store(done, ast.Constant(False)), loop, *after)]

    def lower_For(self, s: ast.For):
        return self._loop(s, {"target": s.target, "iter": s.iter, "type_comment": s.type_comment})

    def lower_With(self, s: ast.With):
        body, flags = self.block(s.body)
        return [ast.With(s.items, body, s.type_comment)], flags

    def lower_Try(self, s: ast.Try):
        body, f1 = self.block(s.body)
        handlers, fh = [], []
        for h in s.handlers:
            hb, hf = self.block(h.body)
            handlers.append(locate(ast.ExceptHandler(h.type, h.name, hb or [ast.Pass()]), h))
            fh = _union(fh, hf)
        orelse, f2 = self.block(s.orelse)
        final, f3 = self.block(s.finalbody)
        return [ast.Try(body or [ast.Pass()], handlers, orelse, final)], _union(f1, fh, f2, f3)


def _union(*lists) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst))


def _always_jumps(stmts: list[ast.stmt]) -> bool:
    """Whether control never falls off the end of `stmts` (it returns, breaks, continues or raises)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, _JUMPS + (ast.Raise,)):
        return True
    if isinstance(last, (ast.For, ast.While)):  # a loop without a break that cannot end (`while True:`), or
        endless = isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value is True
        return (endless or _always_jumps(last.orelse)) and not _breaks(last.body)  # whose `else` jumps
    return isinstance(last, ast.If) and _always_jumps(last.body) and _always_jumps(last.orelse)


def _breaks(body: list[ast.stmt]) -> bool:
    """Whether a `break` in `body` leaves the loop whose body it is (not a loop nested in it)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if not isinstance(node, _NESTED + (ast.expr, ast.For, ast.While, ast.AsyncFor)):
            stack.extend(ast.iter_child_nodes(node))
        elif isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            stack.extend(node.orelse)  # a loop's `else` belongs to the enclosing loop
    return False


def _nested_return(body: list[ast.stmt]) -> bool:
    """Whether a `return` of this function sits inside a compound statement."""
    stack = [c for s in body for c in ast.iter_child_nodes(s)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            return True
        if not isinstance(node, _NESTED + (ast.expr,)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def lower_function(body: list[ast.stmt], names: Names) -> list[ast.stmt]:
    """The body of a function with its jumps inside control flow turned into flags."""
    lowering = _Lowering(names, _nested_return(body))
    if lowering.ret is not None and not _always_jumps(body):  # falling off the end returns None
        body = body + [locate(ast.Return(None), body[-1])]
    out, _ = lowering.block(body)
    if lowering.ret is None:
        return out
    first = body[0]
    prologue = [_store(lowering.ret, runtime(names, "UNSET")), _store(lowering.do_ret, ast.Constant(False))]
    epilogue = ast.Return(ast.Name(lowering.ret, ast.Load()))  # the rewriter passes it through `result`
    return [locate(n, first) for n in prologue] + out + [locate(epilogue, body[-1])]
