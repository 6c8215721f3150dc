"""`match` statements as `if` chains, so that a traced subject chooses its case with fx.cond.

A `match` whose cases are literal and value patterns (`case 0:`, `case Color.RED:`,
`case None:`), alternatives of them (`case 1 | 2:`), captures and `_` (with or without a
guard), or such a pattern bound with `as`, tests its subject exactly as an `if` chain does:

    match k:                        _cf_subject_1 = k
        case 0:                     if _cf_subject_1 == 0:
            y = a                       y = a
        case 1 | 2:        ->       elif _cf_subject_1 == 1 or _cf_subject_1 == 2:
            y = b                       y = b
        case n if n > 5:            else:
            y = n                       n = _cf_subject_1
                                        if n > 5:
                                            y = n

so it is plain Python on a concrete subject and a chain of fx.cond on a traced one. Any other
`match` (class, sequence or mapping patterns) stays a `match` whose cases only record which
one matched, followed by the `if` chain of the bodies on that number. Its patterns run inside
a `try`: patterns that look at types and structure work on traced values too, and one that
needs a traced value's truth (a literal inside a sequence, a guard) raises ConversionError
naming the `match`.
"""
from __future__ import annotations

import ast

from .lower import Names, locate, runtime


class _NotAChain(Exception):
    """A pattern that the `if` chain cannot test."""


def desugar_matches(body: list[ast.stmt], names: Names, filename: str) -> list[ast.stmt]:
    """`body` with each of its `match` statements (not those of nested functions) rewritten."""
    return _Matches(names, filename).visit(ast.Module(body, [])).body


class _Matches(ast.NodeTransformer):
    def __init__(self, names: Names, filename: str):
        self.names, self.filename = names, filename

    def _nested_scope(self, node):  # converted on its own when it is called
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _nested_scope

    def visit_Match(self, node: ast.Match) -> list[ast.stmt]:
        self.generic_visit(node)  # a match in a case body first
        subject = self.names("subject")
        try:
            chain = _chain(node.cases, subject)
        except _NotAChain:
            chain = self._numbered(node, subject)
        return [locate(_assign(subject, node.subject), node), *chain]

    def _numbered(self, node: ast.Match, subject: str) -> list[ast.stmt]:
        """The patterns choose a case number (inside a `try`); the bodies follow as an `if` chain on it."""
        number = self.names("case")
        cases = [ast.match_case(c.pattern, c.guard, [locate(_assign(number, ast.Constant(k)), c.pattern)])
                 for k, c in enumerate(node.cases)]
        failed = ast.Expr(ast.Call(runtime(self.names, "match_failed"),
                                   [ast.Constant(f"{self.filename}:{node.lineno}")], []))
        handler = ast.ExceptHandler(runtime(self.names, "ConcretizationError"), None, [failed])
        out = [_assign(number, ast.Constant(None)), ast.Try([ast.Match(_load(subject), cases)], [handler], [], [])]
        rest: list[ast.stmt] = []
        for k, c in reversed(list(enumerate(node.cases))):
            test = ast.Compare(_load(number), [ast.Eq()], [ast.Constant(k)])
            rest = [locate(ast.If(test, c.body, rest), c.pattern)]
        return [locate(s, node) for s in out] + rest


def _chain(cases: list[ast.match_case], subject: str) -> list[ast.stmt]:
    rest: list[ast.stmt] = []
    for c in reversed(cases):
        rest = [locate(s, c.pattern) for s in _case(c, subject, rest)]
    return rest


def _case(case: ast.match_case, subject: str, rest: list[ast.stmt]) -> list[ast.stmt]:
    """One case as statements that run `rest` when it does not match."""
    pattern, name = case.pattern, None
    if isinstance(pattern, ast.MatchAs):
        pattern, name = pattern.pattern, pattern.name
    test = None if pattern is None else _test(pattern, subject)
    bind = [_assign(name, _load(subject))] if name else []
    guard = case.guard
    if test is None:  # a capture or `_`: it always matches (and binds before the guard runs)
        return bind + (case.body if guard is None else [_if(guard, case.body, rest)])
    if bind and guard is not None:  # the name is bound only when the pattern matches, then the guard runs
        raise _NotAChain
    return [_if(test if guard is None else ast.BoolOp(ast.And(), [test, guard]), bind + case.body, rest)]


def _test(pattern: ast.pattern, subject: str) -> ast.expr:
    """The condition under which a literal, value or alternative pattern matches, as Python tests it."""
    if isinstance(pattern, ast.MatchValue):
        return ast.Compare(_load(subject), [ast.Eq()], [pattern.value])
    if isinstance(pattern, ast.MatchSingleton):
        return ast.Compare(_load(subject), [ast.Is()], [ast.Constant(pattern.value)])
    if isinstance(pattern, ast.MatchOr):
        return ast.BoolOp(ast.Or(), [_test(p, subject) for p in pattern.patterns])
    raise _NotAChain


def _if(test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt]) -> ast.If:
    node = ast.If(test, body, orelse)
    node.kind = "case"  # how messages name it (see lower.py and rewrite.py)
    return node


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())
