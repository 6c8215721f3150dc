"""More programs with Python control flow on traced values, each checked against an oracle: the
same program run eagerly on concrete values (where Python's control flow runs as written),
central finite differences in float64, and a Python loop over examples for vmap."""
import collections
import contextlib
import dataclasses
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from _oracle import _a, _fd


def _check(f, examples, deep=False):
    """jit and vmap against eager; vmap(grad) (the converted path) and jit(grad) against finite
    differences; with `deep`, also jit(vmap(grad)) against them.

    Values match to 1e-7, not to rounding: a Python number that a traced condition makes an array
    (a loop counter, a float that differs between branches) is a weak float32 or int64 array, so
    `0.7 * k` is a float32 product under jit where eagerly it is a Python float's.
    """
    xs = _a(examples)
    values = np.stack([np.asarray(f(x)) for x in xs])
    grads = np.stack([_fd(f, x) for x in xs])
    jitted, jitted_grad = fx.jit(f), fx.jit(fx.grad(f))
    for x, v, g in zip(xs, values, grads):
        np.testing.assert_allclose(np.asarray(jitted(x)), v, rtol=1e-7)
        np.testing.assert_allclose(np.asarray(jitted_grad(x)), g, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(np.asarray(fx.vmap(f)(xs)), values, rtol=1e-7)
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(f))(xs)), grads, rtol=1e-6, atol=1e-7)
    if deep:
        np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(fx.grad(f)))(xs)), grads, rtol=1e-6, atol=1e-7)


# loops with compound conditions, else clauses and jumps ----------------------------------------------------
def grow_inside_band(x):
    n = 0
    while 0.1 < x < 10.0 and not n >= 20:
        x = x * 1.7 - 0.05
        n += 1
    return x + n


def sine_steps_or_halve(x):
    k = 0
    while k < 6:
        x = fnp.sin(x) + 1.2 * x
        if x > 4.0:
            break
        k += 1
    else:
        x = x * 0.5
    return x


def square_until_three(x):
    for i in range(5):
        x = x * x + 0.1
        if x > 3.0:
            x = x - i
            break
    else:
        x = -x
    return x


def odd_pairs_until_two(x):
    total = 0.0 * x
    for i in range(3):
        for j in range(4):
            if (i + j) % 2 == 0:
                continue
            total = total + x * (i + 1) / (j + 1)
            if total > 2.0:
                break
    return total


def positive_sines(x):
    i = 0
    s = 0.0 * x
    while i < 8:
        i += 1
        if fnp.sin(x * i) < 0:
            continue
        s = s + fnp.sin(x * i)
    return s


def return_from_inner_while(x):
    for i in range(4):
        y = x + i
        while True:
            y = y * 1.5
            if y > 10.0:
                return y - i
            if y < -10.0:
                break
    return x


def nested_while_with_break(x):
    outer = 0
    while x < 50.0 and outer < 5:
        inner = 0
        while True:
            x = x + 0.7 * inner + 0.1 * x
            inner += 1
            if x > 3.0 * (outer + 1):
                break
        outer += 1
    return x


def until_done(x):
    done = x > 5.0
    k = 0
    while not done:
        x = x * 1.4 + 0.2
        k += 1
        done = x > 5.0 or k >= 10
    return x


def squares_with_walrus(x):
    k = 0
    while (y := x * x) < 10.0:
        x = y + 0.5
        k += 1
    return y + k


def count_with_finally(x):
    n = 0
    while n < 10:
        try:
            x = x * 1.2
            if x > 3.0:
                break
        finally:
            n += 1
    return x + n


@pytest.mark.parametrize("f, examples", [
    (grow_inside_band, [0.5, 3.0, 20.0, -1.0]),
    (sine_steps_or_halve, [0.1, 1.0, 3.0]),
    (square_until_three, [0.3, 1.1, 2.0]),
    (odd_pairs_until_two, [0.1, 0.5, 2.0]),
    (positive_sines, [0.3, 1.7]),
    (return_from_inner_while, [0.3, 1.7, -2.2]),
    (nested_while_with_break, [0.3, 2.2]),
    (until_done, [0.3, 2.2, 6.0]),
    (squares_with_walrus, [0.3, 1.2, 4.0]),
    (count_with_finally, [0.3, 1.7, 3.5]),
])
def test_loops_with_compound_conditions_else_clauses_and_jumps_match_eager_and_finite_differences(f, examples):
    _check(f, examples)


# returns from loops whose every path returns ---------------------------------------------------------------
def first_large_multiple_or_negated(x):
    for i in range(3):
        if x > i:
            return x * i
    else:
        return -x


def large_multiple_skipping_negative_sines(x):
    for i in range(4):
        if fnp.sin(x * (i + 1)) < 0:
            continue
        if x * i > 1.5:
            return x * i
    else:
        return -x


def grown_or_shifted(x):
    k = 0
    while x < 8.0:
        x = x * 1.7
        k += 1
        if k > 3:
            return x * 10
    else:
        return x - k


@pytest.mark.parametrize("f, examples", [
    (first_large_multiple_or_negated, [-0.5, 0.5, 1.5, 2.5]),
    (large_multiple_skipping_negative_sines, [0.3, 1.7, 3.0]),
    (grown_or_shifted, [0.3, 1.7, 3.0, 9.0]),
])
def test_a_loop_whose_body_returns_and_whose_else_returns_gives_the_eager_value(f, examples):
    _check(f, examples, deep=True)


# iteration: rows, enumerate, zip, reversed, traced ranges -------------------------------------------------
def rows_by_norm(m):
    acc = fnp.zeros(m.shape[1], m.dtype)
    for row in m:
        if fnp.dot(row, row) > 1.0:
            acc = acc + row
        else:
            acc = acc - 0.5 * row
    return fnp.sum(acc * acc)


def weighted_by_position(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + v * i if v > 0 else s - v
    return s


def against_reversed(x):
    s = x[0] * 0
    for a, b in zip(x, fnp.flip(x)):
        if a > b:
            s = s + a * b
        else:
            s = s + a - b
    return s


def decay_over_reversed_range(x):
    n = (fnp.abs(x) * 3).astype(int)
    y = x
    for i in reversed(range(n)):
        y = y * 0.9 + i * 0.01
    return y


def harmonic_squares(x):
    n = fnp.floor(fnp.abs(x) * 2).astype(int) + 1
    acc = 0.0
    for k in range(n):
        acc = acc + x ** 2 / (k + 1)
    return acc


def triangle_sum(x):
    n = (fnp.abs(x) * 3).astype(int) + 1
    s = 0.0
    for i in range(n):
        for j in range(i):
            s = s + x / (1 + i + j)
    return s


def pairs_by_row(m):
    s = 0.0
    for a, b in m:
        if a > b:
            s = s + a * b
        else:
            s = s - b
    return s


def columns_with_a_large_entry(m):
    s = 0.0
    for col in m.T:
        if any(c > 1.0 for c in col):
            s = s + fnp.sum(col ** 2)
        else:
            s = s + fnp.sum(col)
    return s


def horner_from_data_dependent_start(x):
    n = (fnp.sum(fnp.abs(x)) > 1.0).astype(int) + 2
    s = 0.0
    for i in range(n, -1, -1):
        s = s * 0.5 + x[i]
    return s


@pytest.mark.parametrize("f, examples", [
    (rows_by_norm, [[[0.5, 0.2], [1.0, 1.0], [-0.3, 0.1]], [[2.0, 0.0], [0.1, 0.1], [0.9, 0.9]]]),
    (weighted_by_position, [[0.5, -0.2, 1.0], [-1.0, 1.0, -2.0]]),
    (against_reversed, [[0.5, -0.2, 1.0], [-1.0, 1.0, -2.0]]),
    (decay_over_reversed_range, [0.5, 1.4, 2.2]),
    (harmonic_squares, [0.3, 1.2, -2.1]),
    (triangle_sum, [0.2, 0.8, 1.7]),
    (pairs_by_row, [[[0.5, 2.0], [1.5, 0.2]], [[3.0, 2.0], [0.5, 0.7]]]),
    (columns_with_a_large_entry, [[[0.3, 2.2], [0.9, 0.1]], [[0.3, 0.2], [0.5, 1.5]]]),
    (horner_from_data_dependent_start, [[0.2, 0.3, 0.1, 0.3], [0.5, 0.7, 0.1, 0.2]]),
])
def test_loops_over_rows_enumerate_zip_and_traced_ranges_match_eager_and_finite_differences(f, examples):
    _check(f, examples)


def running_difference_until_low(x):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, x * x)):
        s = s + i * a - b
        if s < -1.0:
            break
    return s


def last_item_taken(xs):
    acc = 0.0
    for v in xs:
        acc = acc + v
        if acc > 1.0:
            break
    return acc * v


def grown_plus_last_index(x):
    for i in range(6):
        x = x * 1.5
        if x > 2.0:
            break
    return x + i


@pytest.mark.parametrize("f, examples, deep", [
    (running_difference_until_low, [[0.3, 0.8, 1.5], [0.5, -1.0, 2.0]], True),
    (last_item_taken, [[0.3, 1.7, 0.1], [0.1, 0.2, 0.3]], False),
    (grown_plus_last_index, [0.3, 1.7, 3.0], True),
])
def test_a_traced_break_over_enumerate_of_zip_or_an_array_keeps_the_loop_variables_as_eagerly(f, examples, deep):
    _check(f, examples, deep)


# state: containers, classes, closures, in-place updates ---------------------------------------------------
State = collections.namedtuple("State", "pos vel")


def fall_until_ground(x):
    s = State(x, 0.0 * x)
    while s.pos > 0.0:
        s = State(s.pos + s.vel * 0.1, s.vel - 0.5)
    return s.pos * s.vel


def shrink_and_collect(x):
    d = {"a": x, "b": x * 0 + 1.0}
    n = (fnp.abs(x) * 2).astype(int) + 1
    for _ in range(n):
        d["a"] = d["a"] * 0.8
        d["b"] = d["b"] + d["a"]
    return d["a"] + d["b"]


@dataclasses.dataclass
class Particle:
    p: object
    v: object


fx.tree.register(Particle, lambda s: ((s.p, s.v), None), lambda _, children: Particle(*children))


def bounce(x):
    s = Particle(x, 1.0)
    for _ in range(6):
        if s.p > 1.0:
            s = Particle(s.p - s.v * 0.3, -s.v)
        else:
            s = Particle(s.p + s.v * 0.2, s.v)
    return s.p * s.v


class Clipper:
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __call__(self, v):
        if v < self.lo:
            return self.lo + 0.1 * (v - self.lo)
        elif v > self.hi:
            return self.hi + 0.1 * (v - self.hi)
        return v

    def apply_n(self, v, n):
        for _ in range(n):
            v = self(v * 1.5)
        return v


def clipped_iterates(x):
    c = Clipper(-1.0, 2.0)
    return c.apply_n(x, 4) + c(x)


class Model:
    scale = 2.0

    def __init__(self, w):
        self.w = w

    @property
    def big(self):
        return self.w > 1.0

    @staticmethod
    def act(v):
        return v if v > 0 else 0.1 * v

    @classmethod
    def scaled(cls, v):
        return v * cls.scale if v < 3 else v

    def __call__(self, x):
        y = self.act(x * self.w)
        if self.big:
            y = self.scaled(y)
        return y


def two_models(x):
    return Model(x)(x - 0.3) + Model(0.5)(x)


def _make_stepper(scale=2.0):
    step = lambda v: v * scale if v < 3.0 else v / scale  # noqa: E731

    def f(x, k=3):
        for _ in range(k):
            x = step(x) + 0.1
        return x
    return f


stepper = _make_stepper()


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@logged
def _soft(v, t=1.0):
    if v > t:
        return t + fnp.log(v / t)
    return v


def soft_twice(x):
    return _soft(x) + _soft(x, t=2.0)


def _combine(*vals, scale=1.0, **opts):
    total = 0.0
    for v in vals:
        if v > opts.get("cut", 0.5):
            total = total + v * scale
    return total


def combined(x):
    return _combine(x, x * 2, x - 1, scale=2.0, cut=1.0) + _combine(x)


def rows_written_until_large(x):
    out = fnp.zeros(4, x.dtype)
    i = 0
    while i < 4 and x < 20.0:
        out[i] = x
        out[i] += 1.0
        x = x * 2.0
        i += 1
    return fnp.sum(out ** 2)


def scaled_prefix(x):
    n = fnp.argmax(x) + 1
    y = fnp.zeros_like(x)
    for i in range(n):
        y[i] = x[i] * (i + 1)
        if y[i] > 2.0:
            y[i] -= 1.0
    return fnp.sum(y ** 2)


def grown_with_an_alias(x):
    v = fnp.stack([x, 2 * x])
    w = v
    while v[0] < 3.0:
        v += 0.5 * v
    return fnp.sum(w * v)


def split_by_sign(x):
    d = {"lo": x * 0, "hi": x * 0}
    for k in range(4):
        v = fnp.sin(x * (k + 1))
        if v > 0:
            d["hi"] = d["hi"] + v
        else:
            d["lo"] = d["lo"] + v
    return d["hi"] - 2 * d["lo"]


def star_unpacking_and_del(x):
    acc: float = 0.0
    parts = [x, x * x, x + 1]
    for _ in range(3):
        first, *rest = parts
        tmp = first * 0.5
        if tmp > 0.4:
            with contextlib.nullcontext():
                acc = acc + tmp
        del tmp
        parts = rest + [first * 0.9]
    return acc


@pytest.mark.parametrize("f, examples", [
    (fall_until_ground, [0.47, 1.3]),
    (shrink_and_collect, [0.3, 1.2, 2.3]),
    (bounce, [0.3, 1.7, 6.0]),
    (clipped_iterates, [0.3, 1.2, -3.0]),
    (two_models, [0.35, 2.2, 0.9]),
    (stepper, [0.3, 1.2, 4.0]),
    (soft_twice, [0.3, 1.7, 6.0]),
    (combined, [0.3, 1.7, 0.8]),
    (rows_written_until_large, [0.3, 1.2, 4.0, 30.0]),
    (scaled_prefix, [[0.3, 1.7, 0.5], [1.0, 2.0, 3.0]]),
    (grown_with_an_alias, [0.3, 1.7, 6.0]),
    (split_by_sign, [0.3, 0.8, 2.5]),
    (star_unpacking_and_del, [0.3, 1.7, 0.85]),
])
def test_containers_classes_closures_and_in_place_updates_under_traced_control_flow(f, examples):
    _check(f, examples)


# transformations inside converted code --------------------------------------------------------------------
def _loss(w):
    if w > 1.0:
        return (w - 2.0) ** 2
    return 0.5 * w ** 2 + 0.5


def descend_until_flat(x):
    w = x
    k = 0
    while fnp.abs(fx.grad(_loss)(w)) > 1e-3 and k < 200:
        w = w - 0.3 * fx.grad(_loss)(w)
        k += 1
    return w * x


def scan_then_cond_with_python_ifs(x):
    def body(c, v):
        if v > c:
            c = c + v
        else:
            c = c * 0.5
        return c, c * v
    c, ys = fx.scan(body, x[0], x)
    z = fx.cond(c > 1.0, lambda u: u * 2 if u > 3.0 else u, lambda u: -u, c)
    return z + fnp.sum(ys)


@pytest.mark.parametrize("f, examples", [
    (descend_until_flat, [0.3, 2.2, 1.5]),
    (scan_then_cond_with_python_ifs, [[0.3, 0.8, 1.5], [0.5, -1.0, 2.0]]),
])
def test_grad_scan_and_cond_called_inside_converted_loops(f, examples):
    _check(f, examples, deep=True)


def escape_time(x):
    y = x
    while y < 10.0:
        y = y * y + 1.0
    return y * x


def test_hessian_of_a_data_dependent_while_loop_matches_finite_differences_of_its_gradient():
    xs = _a([0.3, 1.5, 2.5])
    eps = 1e-5
    want = [(float(fx.grad(escape_time)(x + eps)) - float(fx.grad(escape_time)(x - eps))) / (2 * eps) for x in xs]
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.hessian(escape_time))(xs)), want, rtol=1e-6)


# integer loops and random keys ----------------------------------------------------------------------------
def collatz_steps(n):
    k = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        k += 1
    return k


def gcd(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def test_integer_while_loops_give_per_example_trip_counts_under_vmap_and_jit():
    ns = [6, 7, 27, 1]
    want = [collatz_steps(n) for n in ns]  # Python ints: the oracle
    np.testing.assert_array_equal(np.asarray(fx.vmap(collatz_steps)(fnp.asarray(ns))), want)
    assert int(fx.jit(collatz_steps)(fnp.asarray(27))) == want[2]
    a, b = [48, 17, 100], [18, 5, 75]
    np.testing.assert_array_equal(np.asarray(fx.jit(fx.vmap(gcd))(fnp.asarray(a), fnp.asarray(b))),
                                  [gcd(x, y) for x, y in zip(a, b)])


def accept_below(key, c):
    n = 0
    while True:
        key, sub = fx.random.split(key)
        u = fx.random.uniform(sub, dtype=fnp.float64)
        n += 1
        if u < c:
            return u, n


def test_rejection_sampling_with_a_return_in_while_true_matches_eager_per_key():
    keys = fx.random.split(fx.random.key(7), 4)
    u, n = fx.vmap(accept_below, in_axes=(0, None))(keys, 0.3)
    eager = [accept_below(k, 0.3) for k in keys]
    np.testing.assert_allclose(np.asarray(u), [float(e[0]) for e in eager], rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(n), [int(e[1]) for e in eager])
    ju, jn = fx.jit(accept_below)(keys[1], 0.3)
    assert float(ju) == float(eager[1][0]) and int(jn) == int(eager[1][1])


# what cannot be converted names the line and the fix ------------------------------------------------------
def count_to_bound(x):
    n = (x * 3).astype(int)
    s = 0.0
    for i in range(n):
        s = s + i
    return s


def test_a_range_bound_with_axes_is_refused_under_jit_and_vmap_as_eagerly():
    x = _a([1.0])
    with pytest.raises(TypeError):
        count_to_bound(x)  # the oracle: eagerly a bound of shape (1,) is an error
    for f, arg in ((fx.jit(count_to_bound), x), (fx.vmap(count_to_bound), _a([[1.0], [2.0]]))):
        with pytest.raises(fx.errors.FluxionError, match=r"range: a bound is i64\[1\]") as info:
            f(arg)
        assert isinstance(info.value, TypeError) and "n[0]" in str(info.value)


def collect_until_big(x):
    out = []
    for i in range(5):
        if x * i > 2.0:  # collect-if
            break
        out.append(x * i)
    return fnp.stack(out)


def test_a_list_grown_under_a_traced_break_names_the_if_not_a_read_before_assignment():
    assert collect_until_big(_a(0.9)).shape == (3,)  # eagerly the list just grows
    with pytest.raises(fx.errors.ConversionError) as info:
        fx.jit(collect_until_big)(_a(0.9))
    msg = str(info.value)
    assert "variable `out` is a list of 0 items on one branch but a list of 1 item" in msg
    line = next(i for i, text in enumerate(open(__file__).read().splitlines(), 1) if text.endswith("# collect-if"))
    assert "before it is assigned" not in msg and f"test_convert_unseen_more.py:{line}," in msg


def power_rec(x, n):
    if n <= 0:
        return 1.0
    return x * power_rec(x, n - 1)


def test_recursion_stopped_by_a_traced_condition_names_the_if_and_the_fix():
    n = fnp.asarray(3)
    assert float(power_rec(_a(0.9), n)) == pytest.approx(0.9 ** 3)  # eagerly the recursion stops
    assert float(fx.jit(power_rec, static_argnums=1)(_a(0.9), 3)) == pytest.approx(0.9 ** 3)
    with pytest.raises(fx.errors.ConversionError, match="recurses without end") as info:
        fx.jit(power_rec)(_a(0.9), n)
    assert "static_argnums" in str(info.value) and "test_convert_unseen_more.py" in str(info.value)
