"""Which names a piece of a function assigns, mutates or declares (static analysis of the AST).

The converter turns a statement into functions of the variables the statement may change
(its *state*); this module finds them. Nested functions, lambdas, classes and comprehensions
are separate scopes: what they assign is not the statement's state, except the names they
bind in the enclosing scope (a `def`'s name, a walrus inside a comprehension).
"""
from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# methods that change a Python container in place: calling one on a variable counts as changing it
_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem",
                       "add", "discard", "sort", "reverse", "fill", "partition"})  # (lists', dicts', sets', arrays')


def _dotted(node) -> str | None:
    """"a.b.c" for an attribute chain on a name, else None."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(attrs)]) if attrs and isinstance(node, ast.Name) else None


class Changes(ast.NodeVisitor):
    """Names bound (`assigned`), names whose object is changed in place (`mutated`) and attributes
    of named objects set, deleted or changed in place (`attributes`, as "name.attr" or
    "name.attr.attr"), in order."""

    def __init__(self):
        self.assigned: dict[str, None] = {}
        self.mutated: dict[str, None] = {}
        self.attributes: dict[str, None] = {}
        self.contents: dict[str, None] = {}  # the mutated names whose change cannot be a pure method's

    def visit_Name(self, node: ast.Name):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.assigned[node.id] = None

    def _bind(self, node):  # a def or class binds its name in the enclosing scope; its body is its own
        self.assigned[node.name] = None
        for d in node.decorator_list:
            self.visit(d)

    def visit_FunctionDef(self, node):
        self._bind(node)
        for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(d)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._bind(node)
        for b in node.bases + [k.value for k in node.keywords]:
            self.visit(b)

    def visit_Lambda(self, node):
        for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(d)

    def _comprehension(self, node):  # only walrus targets escape a comprehension
        for sub in ast.walk(node):
            if isinstance(sub, ast.NamedExpr):
                self.assigned[sub.target.id] = None

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_alias(self, node: ast.alias):
        name = node.asname or node.name.split(".")[0]
        if name != "*":
            self.assigned[name] = None

    def visit_ExceptHandler(self, node: ast.ExceptHandler):
        if node.name:
            self.assigned[node.name] = None
        self.generic_visit(node)

    def visit_MatchAs(self, node):
        if node.name:
            self.assigned[node.name] = None
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        if node.name:
            self.assigned[node.name] = None

    def visit_MatchMapping(self, node):
        if node.rest:
            self.assigned[node.rest] = None
        self.generic_visit(node)

    def _changed(self, node, surely: bool = True) -> None:
        """`node`, a name or an attribute chain, changed in place (`node[i] = v`), `surely` or
        perhaps (by a method that may be pure); an item of one (`node[k][i] = v`) changes it too."""
        while isinstance(node, ast.Subscript):
            node = node.value
        if isinstance(node, ast.Name):
            self.mutated[node.id] = None
            if surely:
                self.contents[node.id] = None
        elif surely and (d := _dotted(node)):
            self.attributes[d] = None

    def visit_Subscript(self, node: ast.Subscript):  # x[i] = v rebinds x (arrays are values)
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._changed(node.value)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute):
        if isinstance(node.ctx, (ast.Store, ast.Del)) and (d := _dotted(node)):
            self.attributes[d] = None
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call):
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in _MUTATORS:
            self._changed(f.value, f.attr != "update")  # (an optimizer's `self.opt.update(...)` is commonly pure)
        self.generic_visit(node)


def changes(nodes) -> Changes:
    """What the statements or expressions `nodes` assign and mutate."""
    c = Changes()
    for n in nodes:
        c.visit(n)
    return c


class Scope:
    """A function's own names: parameters, locals, and those declared global / nonlocal."""

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        a = node.args
        self.params = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
        self.params += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
        body = node.body if isinstance(node.body, list) else [node.body]
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.generator = False
        for sub in _own_nodes(body):
            if isinstance(sub, ast.Global):
                self.globals.update(sub.names)
            elif isinstance(sub, ast.Nonlocal):
                self.nonlocals.update(sub.names)
            elif isinstance(sub, (ast.Yield, ast.YieldFrom, ast.Await)):
                self.generator = True
        assigned = changes(body).assigned
        self.locals = (set(self.params) | set(assigned)) - self.globals - self.nonlocals
        # parameters the body neither rebinds nor returns: their arrays are the caller's too, and
        # the caller has no other way to see an update
        returned = {e.id for sub in _own_nodes(body) if isinstance(sub, ast.Return) and sub.value is not None
                    for e in (sub.value.elts if isinstance(sub.value, (ast.Tuple, ast.List)) else [sub.value])
                    if isinstance(e, ast.Name)}
        self.shared = set(self.params) - set(assigned) - returned

    def add_locals(self, names) -> None:
        self.locals.update(n for n in names if n not in self.globals and n not in self.nonlocals)

    def split(self, c: Changes) -> tuple[list[str], list[str]]:
        """(state, cells) of a statement: the locals it changes, and the global / nonlocal names and
        the attributes ("name.attr") of objects made before it that it assigns or changes.

        A method call on an outer object (`opt.update(...)`) may well be pure, so only
        assignments and changes in place by subscripts and by containers' methods (`append`)
        make an outer name a cell; a local changed in place is state like any other.
        """
        state = [n for n in dict.fromkeys([*c.assigned, *c.mutated]) if n in self.locals]
        cells = [n for n in dict.fromkeys([*c.assigned, *c.contents]) if n not in self.locals]
        cells += [a for a in c.attributes if a.partition(".")[0] not in c.assigned]
        return state, cells


def _own_nodes(body):
    """Every node of a function body that belongs to the function's own scope (not the body of a
    nested def, lambda, class or comprehension, at the top level of `body` or deeper)."""
    stack = [node for node in body if not isinstance(node, _SCOPES + _COMPREHENSIONS)]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _SCOPES + _COMPREHENSIONS):
                stack.append(child)


def identifiers(node) -> set[str]:
    """Every identifier spelled anywhere in `node` (to pick names that cannot clash)."""
    out = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.add(sub.id)
        elif isinstance(sub, ast.arg):
            out.add(sub.arg)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(sub.name)
    return out
