"""Programs written with plain Python control flow on array values, for the conversion tests.

Each is ordinary user code: run eagerly it is plain Python on concrete values (the oracle);
under jit and vmap its conditions are traced and the converter turns them into primitives.
"""
import fluxion.numpy as fnp


def relu_square(x):
    """An early return under a condition."""
    if x > 0:
        return x * x
    return 0.5 * x


def piecewise(x):
    """An elif chain assigning one variable on every branch."""
    if x < -1.0:
        y = -x
    elif x < 0.0:
        y = x * x
    elif x < 1.0:
        y = 2.0 * x + fnp.sin(x)
    else:
        y = fnp.sqrt(x) + 2.0
    return y


def newton_sqrt(a):
    """A while loop whose trip count depends on the value."""
    x = a
    while fnp.abs(x * x - a) > 1e-4 * a:
        x = 0.5 * (x + a / x)
    return x


def halve_until_small(x):
    """`while True` with a break; a Python int counter that becomes an array."""
    n = 0
    while True:
        x = x * 0.5
        n += 1
        if x < 1.0:
            break
    return x * n


def sum_until_negative(xs):
    """A for loop over an array with continue, break and an else clause."""
    s = 0.0
    for x in xs:
        if x < -2.0:
            break
        if x < 0.0:
            continue
        s = s + x * x
    else:
        s = s * 2.0
    return s


def exp_series(x, n):
    """A for loop over range(n), n an argument."""
    term = fnp.ones_like(x)
    total = fnp.zeros_like(x)
    for k in range(n):
        total = total + term
        term = term * x / (k + 1)
    return total


def first_above(xs, level):
    """A return inside a loop over a range of the (static) length."""
    for i in range(xs.shape[0]):
        if xs[i] > level:
            return xs[i] * i
    return level * 0.0


def doubling_steps(x):
    """A `while True` left only by a return."""
    n = 0.0
    while True:
        x = x * 2.0
        n = n + 1.0
        if x > 10.0:
            return x + n


def _soft(x):
    if x < 1.0:
        return x
    return 1.0 + fnp.log(x)


def soft_sign(x):
    """A conditional expression calling a helper with its own control flow."""
    return _soft(x) if x > 0 else -_soft(-x)


def sum_soft_signs(xs):
    """A helper with control flow called from a loop over an array."""
    total = 0.0
    for x in xs:
        total = total + soft_sign(x)
    return total


def cube_root(a):
    """Bisection: a while loop with an if/else inside."""
    lo, hi = 0.0 * a, a + 1.0
    while hi - lo > 1e-4:
        mid = 0.5 * (lo + hi)
        if mid * mid * mid > a:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def both_positive(x, y):
    """`and`, `or` and `not` on traced values."""
    if x > 0 and y > 0:
        return x * y
    if x > 0 or not y > 0:
        return x - y
    return x + 2.0 * y


def in_unit_interval(x):
    """A chained comparison."""
    if 0.0 < x < 1.0:
        return x * x
    return x


def running_sums(xs):
    """Item assignments to a new array, in a loop (called through this module's name)."""
    out = fnp.zeros_like(xs)
    out[0] = xs[0]
    for i in range(1, xs.shape[0]):
        out[i] = out[i - 1] + xs[i]
    return out


class Stepper:
    def step(self, xs):
        return running_sums(xs)
