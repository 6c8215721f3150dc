"""Differentiate an adaptive-step ODE solver in reverse mode, under jit.

The Dormand-Prince 5(4) integrator below takes as many steps as its error control asks for:
a step is accepted or rejected, and the next step size chosen, from the error estimate, so
the number of iterations depends on the parameters. It is a `fx.while_loop`, and
`fx.jit(fx.grad(loss))` differentiates through it, step-size control included, with memory
bounded by the loop's capacity (states beyond it are recomputed in the backward pass).
The gradient is compared with central finite differences of the same compiled loss.

Run: python examples/ode_adaptive.py
"""
import time

import numpy as np

import fluxion as fx
import fluxion.numpy as fnp

F64 = fnp.float64

# Dormand-Prince 5(4): nodes, stage weights, 5th- and 4th-order solution weights
NODES = [0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
STAGES = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
          [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
          [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
          [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
FIFTH = STAGES[6] + [0.0]
FOURTH = [5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]


def lotka_volterra(y, t, rates):
    """Predator-prey dynamics y' = y * (growth + interaction @ y): prey y[0], predators y[1]."""
    growth, interaction = rates
    return y * (growth + interaction @ y)


def dopri5_step(f, y, t, h, theta):
    """One Dormand-Prince step of size h: the 5th-order solution and its error estimate."""
    k = [f(y, t, theta)]
    for node, weights in zip(NODES[1:], STAGES[1:]):
        k.append(f(y + h * sum(w * ki for w, ki in zip(weights, k)), t + node * h, theta))
    fifth = y + h * sum(w * ki for w, ki in zip(FIFTH, k))
    fourth = y + h * sum(w * ki for w, ki in zip(FOURTH, k))
    return fifth, fifth - fourth


def integrate(f, y0, theta, t_end, rtol=1e-7, atol=1e-9):
    """y(t_end) for y' = f(y, t, theta), y(0) = y0, with adaptive steps; and the number of iterations
    (accepted and rejected steps)."""
    def not_done(s):
        return s["t"] < t_end

    def attempt(s):
        y, t = s["y"], s["t"]
        h = fnp.minimum(s["h"], t_end - t)  # the last step lands on t_end
        new, err = dopri5_step(f, y, t, h, theta)
        scale = atol + rtol * fnp.maximum(fnp.abs(y), fnp.abs(new))
        ratio = fnp.maximum(fnp.sqrt(fnp.mean((err / scale) ** 2)), 1e-10)
        ok = ratio <= 1.0
        return {"y": fnp.where(ok, new, y), "t": fnp.where(ok, t + h, t),
                "h": h * fnp.clip(0.9 * ratio ** -0.2, 0.2, 5.0), "iterations": s["iterations"] + 1}

    start = {"y": y0, "t": fnp.asarray(0.0, dtype=F64), "h": fnp.asarray(0.05, dtype=F64), "iterations": 0}
    end = fx.while_loop(not_done, attempt, start)
    return end["y"], end["iterations"]


TARGET = fnp.asarray([1.0, 0.5], dtype=F64)


def rates(theta):
    """Lotka-Volterra's growth rates and interaction matrix from theta = (a, b, c, d):
    prey' = a prey - b prey predators, predators' = -c predators + d prey predators."""
    a, b, c, d = theta
    zero = fnp.zeros((), dtype=F64)
    return fnp.stack([a, -c]), fnp.stack([fnp.stack([zero, -b]), fnp.stack([d, zero])])


def loss(y0, theta, t_end=12.0):
    """How far the populations end from a target."""
    y, _ = integrate(lotka_volterra, y0, rates(theta), t_end)
    return ((y - TARGET) ** 2).sum()


def finite_differences(f, args, eps=1e-6):
    """Central differences of f with respect to every element of every argument."""
    grads = []
    for i, a in enumerate(args):
        g = np.zeros(a.shape)
        for j in np.ndindex(*a.shape):
            e = np.zeros(a.shape)
            e[j] = eps
            up = [x if k != i else x + fnp.asarray(e) for k, x in enumerate(args)]
            down = [x if k != i else x - fnp.asarray(e) for k, x in enumerate(args)]
            g[j] = (float(f(*up)) - float(f(*down))) / (2 * eps)
        grads.append(g)
    return grads


def main() -> float:
    """Print the gradient by reverse mode and by finite differences; return the largest relative difference."""
    y0 = fnp.asarray([1.2, 0.8], dtype=F64)
    theta = fnp.asarray([1.1, 0.4, 0.9, 0.3], dtype=F64)
    _, iterations = fx.jit(lambda y0, theta: integrate(lotka_volterra, y0, rates(theta), 12.0))(y0, theta)
    print(f"Dormand-Prince 5(4) on Lotka-Volterra to t = 12: {int(iterations)} iterations (loop capacity 64)")

    start = time.perf_counter()
    grad = fx.jit(fx.grad(loss, argnums=(0, 1)))
    ad = grad(y0, theta)
    print(f"jit(grad(loss)): compiled and ran in {time.perf_counter() - start:.2f} s")
    fd = finite_differences(fx.jit(loss), (y0, theta))

    worst = 0.0
    print(f"{'parameter':>12} {'reverse mode':>16} {'finite diff.':>16} {'rel. diff.':>11}")
    for name, a, f in zip(("y0", "theta"), ad, fd):
        for j, (x, y) in enumerate(zip(np.asarray(a).ravel(), f.ravel())):
            rel = abs(x - y) / max(abs(y), 1e-8)
            worst = max(worst, rel)
            print(f"{name + f'[{j}]':>12} {x:16.9f} {y:16.9f} {rel:11.2e}")
    print(f"largest relative difference: {worst:.2e}")
    return worst


if __name__ == "__main__":
    main()
