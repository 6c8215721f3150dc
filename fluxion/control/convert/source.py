"""A function's AST from its file, and the converted function compiled with the original
file name, line numbers, globals and closure cells.

The whole file is parsed (once per file and content) so that node line numbers are the
file's own and lambdas on a line shared with other code are found. The converted code is
compiled inside a factory function whose parameters are the original free variables, so
it reads them as closure cells; the function is then built from the original cells (and
one more holding the runtime module). A method is compiled inside a class of its class's
name, so private names (`self.__x`) are mangled as they were.
"""
from __future__ import annotations

import __future__
import ast
import linecache
import threading
import types

from .lower import Names
from .rewrite import Rewriter
from .scopes import identifiers

_files: dict[str, tuple[str, dict]] = {}  # filename -> (source, {(first line, name): [nodes]})
_FILES_KEPT = 64  # (a notebook makes a file of each cell run)
# held while a file is parsed: CPython (3.11) may fail to make two ASTs at once, in two threads
# ("AST constructor recursion depth mismatch"), and a file is parsed once
_parsing = threading.Lock()
_FUTURE = 0
for _feature in __future__.all_feature_names:
    _FUTURE |= getattr(__future__, _feature).compiler_flag


def _index(filename: str, module_globals) -> dict | None:
    with _parsing:
        return _indexed(filename, module_globals)


def _indexed(filename: str, module_globals) -> dict | None:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        return None
    text = "".join(lines)
    cached = _files.get(filename)
    if cached is not None and cached[0] == text:
        return cached[1]
    try:
        tree = ast.parse(text, filename)
    except (SyntaxError, ValueError):
        return None
    index: dict = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            index.setdefault((first, node.name), []).append(node)
        elif isinstance(node, ast.Lambda):
            index.setdefault((node.lineno, "<lambda>"), []).append(node)
    if len(_files) >= _FILES_KEPT:
        del _files[next(iter(_files))]
    _files[filename] = (text, index)
    return index


def _copy(x):
    """A copy of an AST (nodes and lists copied, leaf values shared: they are immutable), which
    the rewriting may change; several times faster than copy.deepcopy."""
    if isinstance(x, ast.AST):
        new = x.__class__.__new__(x.__class__)
        new.__dict__.update({k: _copy(v) for k, v in x.__dict__.items()})
        return new
    if isinstance(x, list):
        return [_copy(v) for v in x]
    return x


def _fits(node, code: types.CodeType) -> bool:
    n = code.co_argcount + code.co_kwonlyargcount
    n += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
    a = node.args
    ordered = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    ordered += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return list(code.co_varnames[:n]) == ordered


def _span(node) -> tuple:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def find(f: types.FunctionType):
    """The FunctionDef or Lambda node `f` was compiled from, or None when it cannot be told."""
    code = f.__code__
    index = _index(code.co_filename, f.__globals__)
    if index is None:
        return None
    nodes = [n for n in index.get((code.co_firstlineno, code.co_name), []) if _fits(n, code)]
    if len(nodes) > 1 and code.co_name == "<lambda>":  # several lambdas start on the line: which holds the code
        spots = [(p[0], p[2]) for p in code.co_positions() if p[0] is not None and p[2] is not None]
        inside = {id(n): sum(_span(n)[0] <= s <= _span(n)[1] for s in spots) for n in nodes}
        best = max(inside.values())
        nodes = [n for n in nodes if inside[id(n)] == best]
        nodes.sort(key=lambda n: (_span(n)[1][0] - n.lineno, _span(n)[1][1] - n.col_offset))  # the innermost
        nodes = nodes[:1]
    return nodes[0] if len(nodes) == 1 else None


def _mangling_class(qualname: str, taken: set[str]) -> str | None:
    """The name of a class to compile a method in, so that its private names (`self.__x`) are
    mangled as in the class that (lexically) holds it; None for a function outside classes.

    Mangling drops the class name's leading underscores, so a name with more of them mangles
    the same and does not hide the real class from the method (`isinstance(x, Model)`).
    """
    parts = qualname.split(".")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] != "<locals>" and parts[i + 1] != "<locals>":
            stripped = parts[i].lstrip("_")
            if not stripped:  # a class named only by underscores mangles nothing
                return None
            name = "_" + parts[i]
            while name in taken:
                name = "_" + name
            return name
    return None


def _prefix(node, code: types.CodeType) -> str:
    taken = identifiers(node) | set(code.co_freevars) | set(code.co_names)
    k = 0
    while any(n.startswith(f"_cf{k or ''}") for n in taken):
        k += 1
    return f"_cf{k or ''}"


def compile_converted(f: types.FunctionType) -> tuple[types.CodeType, str] | None:
    """The code object of `f` converted, and the name under which it reads the runtime module
    (None when the source cannot be found)."""
    code = f.__code__
    found = find(f)
    if found is None:
        return None
    node = _copy(found)
    prefix = _prefix(node, code)
    names = Names(prefix)
    new = Rewriter(node, code.co_filename, names, frozenset(code.co_cellvars)).function()
    if isinstance(new, ast.Lambda):
        inner: list[ast.stmt] = [ast.Assign([ast.Name(f"{prefix}_fn", ast.Store())], new)]
        target = f"{prefix}_fn"
    else:
        # defined under a fresh name: the factory would otherwise bind the function's own name,
        # and a recursive call would read that binding instead of the global the original reads
        new.name = f"{prefix}_def"
        inner, target = [new], new.name
    cls = _mangling_class(f.__qualname__, identifiers(node) | set(code.co_names))
    result: ast.expr = ast.Name(target, ast.Load())
    if cls is not None:
        inner = [ast.ClassDef(cls, [], [], inner, [])]
        result = ast.Subscript(ast.Attribute(ast.Name(cls, ast.Load()), "__dict__", ast.Load()), ast.Constant(target),
                               ast.Load())
    params = ast.arguments([], [ast.arg(v) for v in (*code.co_freevars, f"{prefix}_rt")], None, [], [], None, [])
    factory = ast.FunctionDef(f"{prefix}_factory", params, inner + [ast.Return(result)], [], None, None)
    module = ast.Module([ast.copy_location(factory, node)], [])
    ast.fix_missing_locations(module)
    try:
        compiled = compile(module, code.co_filename, "exec", flags=code.co_flags & _FUTURE, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):  # a construct the rewriting cannot carry: leave f as it was
        return None
    found = _find_code(compiled, "<lambda>" if isinstance(new, ast.Lambda) else new.name, node.lineno)
    return None if found is None else (found.replace(co_name=code.co_name, co_qualname=code.co_qualname), f"{prefix}_rt")


def nested_codes(code: types.CodeType) -> list[types.CodeType]:
    """`code` and the code objects of every function inside it."""
    out, level = [], [code]
    while level:
        out += level
        level = [k for c in level for k in c.co_consts if isinstance(k, types.CodeType)]
    return out


def _find_code(code: types.CodeType, name: str, line: int) -> types.CodeType | None:
    """The shallowest code object named `name` starting at `line` inside `code`."""
    level = [code]
    while level:
        for c in level:
            if c.co_name == name and c.co_firstlineno == line and c is not code:
                return c
        level = [k for c in level for k in c.co_consts if isinstance(k, types.CodeType)]
    return None


def build(f: types.FunctionType, code: types.CodeType, rt_name: str) -> types.FunctionType | None:
    """A function running converted `code` with `f`'s globals, defaults and closure cells."""
    from . import runtime
    cells = {**dict(zip(f.__code__.co_freevars, f.__closure__ or ())), rt_name: types.CellType(runtime)}
    try:
        closure = tuple(cells[n] for n in code.co_freevars)
    except KeyError:  # a free variable the original did not have: leave the function as it is
        return None
    g = types.FunctionType(code, f.__globals__, f.__name__, f.__defaults__, closure)
    g.__kwdefaults__ = f.__kwdefaults__
    g.__qualname__, g.__doc__, g.__module__ = f.__qualname__, f.__doc__, f.__module__
    g.__annotations__ = f.__annotations__
    g.__dict__.update(f.__dict__)
    return g
