"""Random programs with Python control flow on array values, written as source text.

`program(seed)` writes a module: a few helpers with control flow of their own, and `f(x)` of a
float64 vector of length 3, giving a scalar. Its statements draw on nested if / elif / else,
while loops that always end (a counter with a data-dependent bound, a value halved until it is
small, `while True` left by a break), for over static and traced ranges and over an array's
rows, break / continue / return at any depth, else clauses, augmented and tuple assignments,
variables first assigned inside branches, a loop-carried array, calls of helpers, a closure and
a lambda, comprehensions over static ranges, `a if c else b`, and / or / not and chained
comparisons. Run eagerly, the program is plain Python on concrete values: the oracle.

The module must live in a file (`load` writes it) so that the converter can read its source.
"""
import importlib.util
import os
import random

SCALARS = ("a", "b", "c")

_HELPERS = {
    "h_soft": """\
def h_soft(t):
    if t > 1.0:
        return 1.0 + fnp.log(t)
    elif t < -1.0:
        return -1.0 - fnp.log(-t)
    return t
""",
    "h_halve": """\
def h_halve(t):
    u = t
    n = 0
    while fnp.abs(u) > 0.05:
        u = 0.5 * u
        n += 1
    return u + 0.1 * t * n
""",
    "h_steps": """\
def h_steps(t):
    s = 0.0 * t
    for i in range(4):
        if s > 1.5:
            break
        s = s + fnp.tanh(t + i) * 0.4
    else:
        s = s - 0.1
    return s
""",
    "h_clip": """\
def h_clip(t):
    return t if -0.8 < t < 0.8 else 0.8 * fnp.tanh(t)
""",
}


class _Writer:
    """Writes one random program; `rng` decides every choice."""

    def __init__(self, rng: random.Random, long_loop: bool = False):
        self.rng = rng
        self.long_loop = long_loop
        self.fresh = 0
        self.helpers: set = set()
        self.depth_budget = rng.choice((2, 3))

    # names, constants, expressions -----------------------------------------------------------
    def name(self, prefix):
        self.fresh += 1
        return f"{prefix}{self.fresh}"

    def const(self, lo=-1.0, hi=1.0):
        return f"{self.rng.uniform(lo, hi):.3f}"

    def s(self, scalars):
        """An operand of arithmetic: not a loop counter (a Python int, whose functions would be float32)."""
        return self.rng.choice([n for n in scalars if not n.startswith("k")])

    def helper(self):
        h = self.rng.choice(sorted(_HELPERS))
        self.helpers.add(h)
        return h

    def expr(self, scalars, depth=0):
        """A scalar expression, bounded for bounded operands."""
        r = self.rng
        s1, s2 = self.s(scalars), self.s(scalars)
        choices = [
            lambda: f"fnp.sin({s1}) + 0.5 * {s2}",
            lambda: f"fnp.tanh({s1} * {s2})",
            lambda: f"0.8 * {s1} - 0.3 * fnp.cos({s2})",
            lambda: f"{s1} * 0.9 + 0.1 * fnp.exp(-{s2} * {s2})",
            lambda: f"fnp.sum(v * {s1}) * 0.2",
            lambda: f"fnp.max(v) * 0.5 + 0.1 * {s1}",
            lambda: f"fnp.dot(v, v) * 0.1 - 0.5 * {s1}",
            lambda: f"v[{r.randrange(3)}] * fnp.tanh({s1})",
            lambda: f"fnp.where({s1} > {self.const()}, {s1}, 0.3 * {s2})",
            lambda: f"sum([fnp.sin({s1} * k) for k in range({r.randint(1, 3)})]) * 0.3",
            lambda: f"{self.helper()}({s1})",
            lambda: f"inner({s1})",
            lambda: f"sq({s1})",
            lambda: f"x[{r.randrange(3)}] * 0.5 + 0.5 * {s1}",
        ]
        if depth < 1:
            choices.append(lambda: f"({self.expr(scalars, depth + 1)}) if {self.cond(scalars, depth + 1)} "
                                   f"else ({self.expr(scalars, depth + 1)})")
        return r.choice(choices)()

    def array_expr(self, scalars):
        s1 = self.s(scalars)
        return self.rng.choice([
            f"v * 0.9 + 0.1 * fnp.sin({s1})",
            f"fnp.where(v > {s1}, v - 0.1, v * 0.5)",
            f"fnp.tanh(v + {s1})",
            f"v.at[{self.rng.randrange(3)}].set({s1})",
            f"v * fnp.exp(-0.1 * {s1} * {s1})",
        ])

    def cond(self, scalars, depth=0):
        """A traced condition."""
        r = self.rng
        s1, s2 = r.choice(scalars), self.s(scalars)
        choices = [
            lambda: f"{s1} > {self.const()}",
            lambda: f"{s1} < {s2}",
            lambda: f"{self.const(-1.0, 0.0)} < {s1} < {self.const(0.0, 1.0)}",
            lambda: f"fnp.sum(v) > {self.const(-2.0, 2.0)}",
            lambda: f"v[{r.randrange(3)}] > {s1}",
            lambda: f"fnp.max(v) < {self.const(-0.5, 1.5)}",
        ]
        if depth < 1:
            choices += [
                lambda: f"{self.cond(scalars, depth + 1)} and {self.cond(scalars, depth + 1)}",
                lambda: f"{self.cond(scalars, depth + 1)} or not {self.cond(scalars, depth + 1)}",
                lambda: f"not ({self.cond(scalars, depth + 1)})",
            ]
        return r.choice(choices)()

    # statements ----------------------------------------------------------------------------------
    def block(self, scalars, depth, loop, n=None):
        """A list of lines (indented by the caller); `loop` says whether break / continue may appear."""
        n = n if n is not None else self.rng.randint(1, 3)
        lines = []
        for _ in range(n):
            lines += self.stmt(scalars, depth, loop)
        return lines

    def stmt(self, scalars, depth, loop):
        r = self.rng
        kinds = ["assign", "assign", "aug", "tuple", "array", "setitem"]
        if depth < self.depth_budget:
            kinds += ["if", "if", "ifelse", "elif", "fresh_if", "while_count", "while_halve", "while_true",
                      "for_static", "for_traced", "for_rows", "return"]
        if loop:
            kinds += ["break", "continue"]
        kind = r.choice(kinds)
        return getattr(self, "_" + kind)(scalars, depth, loop)

    def _assign(self, scalars, depth, loop):
        return [f"{self.s(SCALARS)} = {self.expr(scalars)}"]

    def bump(self, term):
        """`term` added to `acc` in place, or to a scalar as a new value."""
        t = self.rng.choice(("acc",) + SCALARS)
        return f"acc += {term}" if t == "acc" else f"{t} = {t} + {term}"

    def _aug(self, scalars, depth, loop):
        """An augmented assignment: in place on `acc`, which nothing rebinds, or rebinding a scalar."""
        t = self.rng.choice(("acc",) + SCALARS)
        return [self.rng.choice([f"{t} += 0.3 * fnp.sin({self.s(scalars)})", f"{t} *= {self.const(0.5, 1.0)}",
                                 f"{t} -= 0.2 * fnp.tanh({self.expr(scalars)})"]) if t == "acc" else
                f"{t} = {t} + 0.3 * fnp.sin({self.s(scalars)})"]

    def _tuple(self, scalars, depth, loop):
        t1, t2 = self.rng.sample(SCALARS, 2)
        return [f"{t1}, {t2} = {t2} * 0.9, fnp.sin({t1}) + 0.1 * {self.s(scalars)}"]

    def _array(self, scalars, depth, loop):
        return [f"v = {self.array_expr(scalars)}"]

    def _setitem(self, scalars, depth, loop):
        """An item assignment, in place on `u`, which nothing rebinds."""
        i = self.rng.randrange(3)
        return [self.rng.choice([f"u[{i}] = 0.5 * {self.s(scalars)}", f"u[{i}] += 0.2 * fnp.sin({self.s(scalars)})"])]

    def _if(self, scalars, depth, loop):
        return [f"if {self.cond(scalars)}:", *self._ind(self.block(scalars, depth + 1, loop))]

    def _ifelse(self, scalars, depth, loop):
        return [f"if {self.cond(scalars)}:", *self._ind(self.block(scalars, depth + 1, loop)),
                "else:", *self._ind(self.block(scalars, depth + 1, loop))]

    def _elif(self, scalars, depth, loop):
        lines = [f"if {self.cond(scalars)}:", *self._ind(self.block(scalars, depth + 1, loop))]
        for _ in range(self.rng.randint(1, 2)):
            lines += [f"elif {self.cond(scalars)}:", *self._ind(self.block(scalars, depth + 1, loop))]
        if self.rng.random() < 0.6:
            lines += ["else:", *self._ind(self.block(scalars, depth + 1, loop))]
        return lines

    def _fresh_if(self, scalars, depth, loop):
        """A variable first assigned on both branches of an if, then used."""
        t = self.name("t")
        return [f"if {self.cond(scalars)}:", *self._ind(self.block(scalars, depth + 1, loop, 1) +
                                                         [f"{t} = {self.expr(scalars)}"]),
                "else:", *self._ind([f"{t} = {self.expr(scalars)}"]),
                self.bump(f"0.5 * {t}")]

    def _while_count(self, scalars, depth, loop):
        k = self.name("k")
        bound = self.rng.choice([f"{self.rng.randint(1, 6)}",
                                 f"2 + 4 * fnp.abs(fnp.tanh({self.s(scalars)}))"])
        test = f"{k} < {bound}"
        if self.rng.random() < 0.5:
            test += f" and ({self.cond(scalars)})"
        lines = [f"{k} = 0", f"while {test}:",
                 *self._ind([f"{k} += 1"] + self.block(scalars + (k,), depth + 1, True))]
        return lines + self._else(scalars, depth, loop)

    def _while_halve(self, scalars, depth, loop):
        """A contraction: `w` halves until small; the body may not assign `w`."""
        w = self.name("w")
        tol, factor = self.rng.choice(["0.05", "0.01", "1e-3"]), self.rng.choice(["0.5", "0.7"])
        body = [f"{w} = {factor} * {w} + 0.0 * fnp.sin({self.s(scalars)})"]
        body += self.block(scalars, depth + 1, False, self.rng.randint(0, 2))
        return [f"{w} = {self.s(scalars)} + 0.5", f"while fnp.abs({w}) > {tol}:", *self._ind(body),
                self.bump(f"0.2 * {w}")]

    def _long_loop(self):
        """Thousands of passes, how many depending on the data, each a small smooth step."""
        n, s1, s2 = self.name("n"), self.s(SCALARS), self.s(SCALARS)
        body = [f"{n} += 1", f"{s1} = {s1} + 0.001 * fnp.sin({s1} + {s2})"]
        body += self.block(SCALARS, self.depth_budget, False, self.rng.randint(0, 2))
        return [f"{n} = 0", f"while {n} < 2000 + 1000 * fnp.abs(fnp.tanh({self.s(SCALARS)})):", *self._ind(body)]

    def _while_true(self, scalars, depth, loop):
        k = self.name("k")
        # the count is tested first: a `continue` in the block must not skip it
        body = [f"{k} += 1", f"if {k} > {self.rng.randint(1, 5)}:", "    break"]
        body += self.block(scalars + (k,), depth + 1, True)
        body += [f"if {self.cond(scalars)}:", "    break"]
        return [f"{k} = 0", "while True:", *self._ind(body)]

    def _for_static(self, scalars, depth, loop):
        i = self.name("i")
        body = [self.bump(f"0.1 * {i} * fnp.sin({self.s(scalars)})")]
        body += self.block(scalars, depth + 1, True)
        return [f"for {i} in range({self.rng.randint(0, 4)}):", *self._ind(body), *self._else(scalars, depth, loop)]

    def _for_traced(self, scalars, depth, loop):
        i, m = self.name("i"), self.name("m")
        body = [self.bump(f"0.1 * fnp.cos({self.s(scalars)} + {i})")]
        body += self.block(scalars, depth + 1, True)
        return [f"{m} = fnp.floor(fnp.abs(fnp.tanh({self.s(scalars)})) * 4).astype(fnp.int32)",
                f"for {i} in range({m}):", *self._ind(body), *self._else(scalars, depth, loop)]

    def _for_rows(self, scalars, depth, loop):
        row, i = self.name("r"), self.name("i")
        head = self.rng.choice([f"for {row} in x:", f"for {i}, {row} in enumerate(x):"])
        body = [self.bump(f"0.3 * fnp.sin({row} * {self.s(scalars)})")]
        body += self.block(scalars + (row,), depth + 1, True)
        return [head, *self._ind(body), *self._else(scalars, depth, loop)]

    def _else(self, scalars, depth, loop):
        if self.rng.random() < 0.3:
            return ["else:", *self._ind(self.block(scalars, depth + 1, loop, 1))]
        return []

    def _return(self, scalars, depth, loop):
        return [f"if {self.cond(scalars)}:", f"    return {self.result()} * {self.const(0.5, 2.0)}"]

    def _break(self, scalars, depth, loop):
        return [f"if {self.cond(scalars)}:", "    break"]

    def _continue(self, scalars, depth, loop):
        return [f"if {self.cond(scalars)}:", "    continue"]

    @staticmethod
    def _ind(lines):
        return ["    " + line for line in lines]

    @staticmethod
    def result():
        return "(a + 0.5 * b - 0.3 * c + 0.2 * fnp.sum(fnp.sin(v)) + 0.1 * fnp.sum(u) + acc)"

    # the program ---------------------------------------------------------------------------------
    def program(self):
        body = ["a = x[0]", "b = fnp.sin(x[1])", "c = fnp.sum(x) * 0.3", "v = x * 1.0", "u = x * 0.5",
                "acc = x[2] * 0.0",
                "sq = lambda t: t * fnp.tanh(t) if t > 0 else 0.5 * t",
                "def inner(t):", f"    if t > b:", "        return t - 0.5 * b", "    return 0.2 * t"]
        if self.long_loop:
            body += self._long_loop()
        body += self.block(SCALARS, 0, False, self.rng.randint(2, 4))
        body.append(f"return {self.result()}")
        helpers = "".join(_HELPERS[h] + "\n\n" for h in sorted(self.helpers))
        return "import fluxion.numpy as fnp\n\n\n" + helpers + "def f(x):\n" + "\n".join(self._ind(body)) + "\n"


def program(seed: int, long_loop: bool = False) -> str:
    """The source of a module defining `f(x)`, x a float64 vector of length 3 (same seed, same text)."""
    return _Writer(random.Random(seed), long_loop).program()


def load(source: str, directory: str, name: str):
    """`f` of the module `source`, written to a file in `directory` so that its source can be read."""
    path = os.path.join(directory, name + ".py")
    with open(path, "w") as out:
        out.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f
