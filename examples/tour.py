"""A short tour of fluxion's arrays, fluxion.numpy, random numbers, derivatives, vmap, jit and errors.

Run: python examples/tour.py
"""
import numpy as np

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy import special


def section(title):
    print(f"\n== {title}")


section("arrays and promotion")
x = fnp.arange(6.0).reshape(2, 3)
print("x =", x)
print("x * 2 + 1 =", x * 2 + 1)
print("int8 array + 1 keeps int8 (Python scalars are weak):", (fnp.ones(3, dtype=fnp.int8) + 1).dtype)
print("float64 when asked:", fnp.asarray([1.0, 2.0], dtype=fnp.float64).dtype)

section("indexing is by value")
y = x.at[0, 1].set(100.0)
print("x.at[0, 1].set(100) =", y, "(x unchanged:", x[0, 1].item(), ")")
x[1] = fnp.asarray([7.0, 8.0, 9.0])
print("after x[1] = ...:", x)
print("fancy and boolean indexing:", x[:, [2, 0]], x[x > 4])

section("reductions, linear algebra, fft")
a = fnp.asarray([[4.0, 1.0], [1.0, 3.0]])
b = fnp.asarray([1.0, 2.0])
print("sum/mean/max over axis 0:", x.sum(0), x.mean(0), x.max(0))
print("solve(a, b) =", fnp.linalg.solve(a, b), " numpy:", np.linalg.solve(np.asarray(a), np.asarray(b)))
print("eigh(a).eigenvalues =", fnp.linalg.eigh(a).eigenvalues)
print("|fft([1, 0, -1, 0])| =", fnp.abs(fnp.fft.fft(fnp.asarray([1.0, 0.0, -1.0, 0.0]))))
print("einsum('ij,j->i') =", fnp.einsum("ij,j->i", a, b))

section("random numbers with explicit keys")
key = fx.random.key(0)
k1, k2 = fx.random.split(key)
print("uniform:", fx.random.uniform(k1, (3,)))
print("normal: ", fx.random.normal(k2, (3,)))
print("same key, same bits:", bool(fnp.all(fx.random.normal(k2, (3,)) == fx.random.normal(k2, (3,)))))

section("special functions and pytrees")
print("logsumexp([1000, 1000]) =", special.logsumexp(fnp.asarray([1000.0, 1000.0])))
params = {"w": fnp.ones((2, 2)), "b": fnp.zeros(2)}
print("tree.map(shape):", fx.tree.map(lambda p: p.shape, params))

section("derivatives, to any order, through Python control flow")


def f(x):
    y = x
    while y < 10.0:  # a data-dependent loop, differentiated eagerly
        y = y * 2.0
    return fnp.sin(y) * x


print("grad(f)(1.5) =", fx.grad(f)(1.5))
print("d3/dx3 sin(x) at 0 =", fx.grad(fx.grad(fx.grad(fnp.sin)))(0.0))
w = fnp.asarray([[1.0, 2.0], [3.0, 4.0]])
loss = lambda w, x: fnp.sum(fnp.tanh(w @ x) ** 2)
print("grad of a loss w.r.t. a matrix:", fx.grad(loss)(w, fnp.asarray([0.5, -0.5])))
print("hessian of sum(x**3):", fx.hessian(lambda x: fnp.sum(x ** 3))(fnp.asarray([1.0, 2.0])))

section("batching and compilation")
per_example = fx.vmap(fx.grad(loss), in_axes=(None, 0))  # one gradient per row of xs
xs = fnp.asarray([[0.5, -0.5], [1.0, 0.0], [0.0, 2.0]])
print("vmap(grad) over 3 examples, shape:", per_example(w, xs).shape)


@fx.jit
def clipped_steps(x):
    n = 0
    while fnp.max(fnp.abs(x)) > 1.0:  # Python control flow on traced values becomes fx.while_loop
        x, n = x * 0.5, n + 1
    return x, n


print("jit with a data-dependent while loop:", clipped_steps(fnp.asarray([3.0, -8.0])))
print("jit(grad) through it:", fx.jit(fx.grad(lambda x: fnp.sum(clipped_steps(x)[0] ** 2)))(fnp.asarray([3.0, -8.0])))

section("errors name the fix")
try:
    fnp.ones((2, 3)) + fnp.ones((4,))
except fx.errors.ShapeError as e:
    print(f"{type(e).__name__}: {e}")
