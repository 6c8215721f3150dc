"""A fixed sample of random batched programs (_random_batched_programs.py) against jax.vmap.

Each program nests one to three vmaps with random in_axes / out_axes (ints, negative ints,
None, trees and prefixes of trees), axis names, sizes 0 to 4, and a body of elementwise
operations, reductions, .at[] updates with batched indices, collectives over one or several
names, cond / while_loop / fori_loop / scan with batched predicates and trip counts,
custom_jvp / custom_vjp functions, grad and jit inside. fluxion must give jax's (64-bit) values,
shapes and dtypes for the vmaps, fx.jit of them, fx.vmap of fx.grad and fx.grad of the sum of the
outputs. Invalid specifications must raise fluxion errors naming the argument and the fix where
jax raises too, and vmap of random samplers over batched keys must equal a loop over the keys.
"""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion import lax
from fluxion.errors import FluxionError

from _jax_oracle import jax_x64
from _random_batched_programs import FLUXION, CHECKS, applies, check, draw, jax_namespace, jax_reference, run

# seeds whose programs jax can run (its vmap refuses or misshapes a few valid programs), which
# together cover every operation, nesting depth, batch sizes 0 and 1, float32 and tuples of names
SEEDS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 24, 25, 26, 30, 60)


@functools.lru_cache(maxsize=None)
def _program(seed):
    return draw(seed)


@functools.lru_cache(maxsize=None)
def _reference(seed, name):
    return jax_reference(_program(seed), name, jax_x64())


@pytest.mark.parametrize("seed, name", [pytest.param(s, n, id=f"{s}-{n}") for s in SEEDS for n in CHECKS
                                        if applies(_program(s), n)])
def test_random_batched_program_matches_jax_vmap(seed, name):
    check(_program(seed), name, _reference(seed, name))


# invalid specifications --------------------------------------------------------------------------------
INVALID = {  # kind: (make(ns, x) -> a call that must raise, what the message must name)
    "in_axes out of range": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=x.ndim)(x), "in_axes"),
    "negative in_axes out of range": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=-x.ndim - 1)(x), "in_axes"),
    "mismatched sizes": (lambda ns, x: lambda: ns.vmap(lambda a, b: a * b)(x, x[:-1]), "same size"),
    "axis_size unlike the arguments'": (lambda ns, x: lambda: ns.vmap(ns.np.sin, axis_size=len(x) + 1)(x), "size"),
    "out_axes None for a batched output": (lambda ns, x: lambda: ns.vmap(ns.np.sin, out_axes=None)(x), "out_axes"),
    "out_axes out of range": (lambda ns, x: lambda: ns.vmap(ns.np.sin, out_axes=x.ndim + 1)(x), "out_axes"),
    "unbound axis name": (lambda ns, x: lambda: ns.vmap(lambda a: ns.lax.psum(a, "other"), axis_name="b")(x), "other"),
    "in_axes not a prefix": (lambda ns, x: lambda: ns.vmap(lambda d: d["a"], in_axes=({"b": 0},))({"a": x}), "in_axes"),
    "in_axes deeper than the value": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=((0, 0),))(x), "in_axes"),
    "out_axes not a prefix": (lambda ns, x: lambda: ns.vmap(lambda a: (a, a), out_axes=(0, 0, 0))(x), "out_axes"),
    "in_axes entry not an int": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=("0",))(x), "in_axes"),
    "in_axes with too few entries": (lambda ns, x: lambda: ns.vmap(lambda a, b: a, in_axes=(0,))(x, x), "in_axes"),
    "nothing batched, no axis_size": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=None)(x), "axis_size"),
    "negative axis_size": (lambda ns, x: lambda: ns.vmap(ns.np.sin, in_axes=None, axis_size=-1)(x), "axis_size"),
}


@pytest.mark.parametrize("kind", INVALID)
@pytest.mark.parametrize("shape", [(3,), (2, 3), (4, 1, 2)])
def test_invalid_specification_raises_a_fluxion_error_naming_the_fix_where_jax_raises(kind, shape):
    jax = jax_x64()
    make, names = INVALID[kind]
    x = np.random.default_rng(len(shape)).standard_normal(shape)
    with pytest.raises(Exception):
        make(jax_namespace(jax), x)()
    with pytest.raises(FluxionError) as info:
        make(FLUXION, fnp.asarray(x))()
    assert isinstance(info.value, (ValueError, TypeError, NameError)), type(info.value)
    assert names in str(info.value) and "fix:" in str(info.value), str(info.value)


# random samplers over batched keys --------------------------------------------------------------------
SAMPLERS = {
    "normal": lambda k, p: fx.random.normal(k, (2,)) * p,
    "uniform": lambda k, p: fx.random.uniform(k, (3,), minval=p, maxval=p + 1.0),
    "bernoulli": lambda k, p: fx.random.bernoulli(k, fnp.abs(fnp.tanh(p)), (2,)),
    "randint": lambda k, p: fx.random.randint(k, (2,), 0, 5),
    "gamma": lambda k, p: fx.random.gamma(k, fnp.abs(p) + 0.5, (2,)),
    "categorical": lambda k, p: fx.random.categorical(k, fnp.stack([p, -p, 0.5 * p])),
    "permutation": lambda k, p: fx.random.permutation(k, 4),
    "split": lambda k, p: fx.random.split(k, 3),
    "fold_in": lambda k, p: fx.random.fold_in(k, 5),
}


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize("key_axis", [0, 1, -1])
def test_vmap_of_a_sampler_over_batched_keys_equals_a_loop_over_the_keys(name, key_axis):
    sample = SAMPLERS[name]
    keys = fx.random.split(fx.random.key(7), 4)  # (4, 2): one key per example
    params = fnp.asarray(np.random.default_rng(0).standard_normal(4))
    keys_in = fnp.moveaxis(keys, 0, key_axis)
    want = np.stack([np.asarray(sample(keys[i], params[i])) for i in range(4)])
    for f in (fx.vmap(sample, in_axes=(key_axis, 0)), fx.jit(fx.vmap(sample, in_axes=(key_axis, 0)))):
        got = np.asarray(f(keys_in, params))
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_nested_vmap_of_a_sampler_over_a_grid_of_keys_equals_a_loop():
    keys = fx.random.split(fx.random.key(3), 6).reshape(2, 3, 2)
    f = lambda k: fx.random.normal(k, (2,)) + lax.axis_index("i")  # noqa: E731
    got = np.asarray(fx.vmap(fx.vmap(f, axis_name="i"), in_axes=1, out_axes=1)(fnp.moveaxis(keys, 1, 0)))
    # the outer vmap maps axis 1 (of size 2) and puts its axis at 1: got[i, a] is example (a, i)
    want = np.stack([np.stack([np.asarray(fx.random.normal(keys[a, i], (2,))) + i for a in range(2)])
                     for i in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-6)


# edge cases of the batch itself ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", [0, 1])
@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 6])
def test_batches_of_zero_and_one_example_match_jax(seed, size):
    jax = jax_x64()
    program = draw(seed, size=size)
    try:
        want = jax_reference(program, "value", jax)
    except Exception:  # jax refuses some programs on zero examples; fluxion must then raise its own error or run
        try:
            run(program, FLUXION, program.args([fnp.asarray(x) for x in program.leaves]))
        except Exception as e:
            assert isinstance(e, FluxionError), repr(e)
        return
    check(program, "value", want)
