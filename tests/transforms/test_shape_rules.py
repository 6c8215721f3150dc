"""Derivatives of the shape primitives, checked through the fluxion.numpy functions users call.

Oracles: central differences and the dot-product test (check_grads, to second order), jax's
derivatives of the same program written with jax.numpy, and the dense Jacobian of each
linear primitive (its transpose rule must be exactly the transposed matrix).
"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core import dtypes
from fluxion.core.primitive import jvp_rules
from fluxion.ops import shape as S
from fluxion.ops._ad import Zero
from fluxion.test_util import check_grads

from _arrays import inputs, rand
from _jax_oracle import assert_derivatives_match_jax, check_float32_derivatives, jax_x64, twice
from _transpose_check import check_transpose

jax = jax_x64()
jnp, lax = jax.numpy, jax.lax


# (name, program written once for a namespace `m` (fluxion.numpy or jax.numpy) and its ops
# (fluxion.ops.shape or jax.lax), input shapes). Each program is nonlinear in its inputs so
# that second derivatives pass through the rules' transposes too.
CASES = [
    ("reshape", twice(lambda m, o, x: m.reshape(x, (3, 2))), [(2, 3)]),
    ("reshape_infer", twice(lambda m, o, x: m.reshape(x, (-1,))), [(2, 1, 3)]),
    ("ravel", twice(lambda m, o, x: m.ravel(x)), [(2, 3)]),
    ("transpose", twice(lambda m, o, x: m.transpose(x)), [(2, 3, 2)]),
    ("permute_dims", twice(lambda m, o, x: m.permute_dims(x, (1, 2, 0))), [(2, 3, 2)]),
    ("matrix_transpose", twice(lambda m, o, x: m.matrix_transpose(x)), [(2, 2, 3)]),
    ("moveaxis", twice(lambda m, o, x: m.moveaxis(x, 0, -1)), [(2, 3, 1)]),
    ("swapaxes", twice(lambda m, o, x: m.swapaxes(x, 0, 2)), [(2, 3, 2)]),
    ("squeeze", twice(lambda m, o, x: m.squeeze(x)), [(1, 3, 1)]),
    ("squeeze_axis", twice(lambda m, o, x: m.squeeze(x, axis=-1)), [(2, 3, 1)]),
    ("expand_dims", twice(lambda m, o, x: m.expand_dims(x, (0, 2))), [(2, 3)]),
    ("flip", twice(lambda m, o, x: m.flip(x)), [(2, 3)]),
    ("flip_axis", twice(lambda m, o, x: m.flip(x, axis=1)), [(2, 3)]),
    ("rot90", twice(lambda m, o, x: m.rot90(x, k=3)), [(2, 3)]),
    ("roll", twice(lambda m, o, x: m.roll(x, 2, axis=1)), [(2, 3)]),
    ("roll_flat", twice(lambda m, o, x: m.roll(x, -1)), [(2, 3)]),
    ("roll_axes", twice(lambda m, o, x: m.roll(x, (1, -2), axis=(0, 1))), [(2, 3)]),
    ("concatenate", lambda m, o, x, y: m.concatenate([x * y[:2], m.sin(y), x], axis=0), [(2, 3), (4, 3)]),
    ("concatenate_flat", lambda m, o, x, y: m.concatenate([x, y * y], axis=None), [(2, 2), (3,)]),
    ("stack", lambda m, o, x, y: m.stack([x * y, m.cos(x)], axis=1), [(2, 3), (2, 3)]),
    ("hstack", lambda m, o, x, y: m.hstack([x * x, y]), [(2, 2), (2, 3)]),
    ("vstack", lambda m, o, x, y: m.vstack([x, y * x]), [(3,), (3,)]),
    ("tile", twice(lambda m, o, x: m.tile(x, (2, 1, 3))), [(2, 2)]),
    ("repeat", twice(lambda m, o, x: m.repeat(x, 2, axis=0)), [(2, 3)]),
    ("repeat_flat", twice(lambda m, o, x: m.repeat(x, 3)), [(2, 2)]),
    ("broadcast_to", twice(lambda m, o, x: m.broadcast_to(x, (2, 3, 3))), [(3, 1)]),
    ("broadcast_arrays", lambda m, o, x, y: m.stack(m.broadcast_arrays(x * y, y)) * x, [(2, 1), (3,)]),
    ("tril", twice(lambda m, o, x: m.tril(x, k=-1)), [(2, 3, 3)]),
    ("triu", twice(lambda m, o, x: m.triu(x, k=1)), [(3, 4)]),
    ("atleast_3d", twice(lambda m, o, x: m.atleast_3d(x)), [(3,)]),
    ("split", lambda m, o, x: m.split(x, 2, axis=1)[1] * m.split(x, [1], axis=0)[0][:, :2], [(2, 4)]),
    ("pad_constant", twice(lambda m, o, x: m.pad(x, ((1, 2), (0, 1)))), [(2, 3)]),
    ("pad_constant_values",
     twice(lambda m, o, x: m.pad(x, ((1, 2), (2, 1)), constant_values=((1.5, -2.0), (3.0, 0.5)))), [(2, 3)]),
    ("pad_edge", twice(lambda m, o, x: m.pad(x, ((2, 1), (0, 3)), mode="edge")), [(2, 3)]),
    ("pad_reflect", twice(lambda m, o, x: m.pad(x, ((3, 4), (1, 2)), mode="reflect")), [(2, 3)]),
    ("pad_symmetric", twice(lambda m, o, x: m.pad(x, ((3, 1), (4, 2)), mode="symmetric")), [(2, 3)]),
    ("pad_wrap", twice(lambda m, o, x: m.pad(x, ((3, 4), (1, 5)), mode="wrap")), [(2, 3)]),
    ("pad_reflect_single", twice(lambda m, o, x: m.pad(x, ((2, 1), (0, 0)), mode="reflect")), [(1, 3)]),
    ("lax_pad", lambda m, o, x, v: o.pad(x * x, v * v, ((-1, 2, 1), (1, -2, 2))), [(3, 4), ()]),
    ("lax_pad_crop", lambda m, o, x, v: o.pad(m.sin(x), v * x[0, 0], ((2, -3, 0), (-1, -1, 1))), [(3, 4), ()]),
    ("lax_slice", twice(lambda m, o, x: o.slice(x, (0, 1), (3, 4), (2, 2))), [(3, 4)]),
    ("lax_slice_unit", twice(lambda m, o, x: o.slice(x, (1, 0), (2, 3))), [(3, 4)]),
    ("lax_rev", twice(lambda m, o, x: o.rev(x, (0, 2))), [(2, 1, 3)]),
    ("lax_broadcast_in_dim", twice(lambda m, o, x: o.broadcast_in_dim(x, (2, 1, 5, 3), (1, 3))), [(1, 3)]),
    ("lax_broadcast_scalar", twice(lambda m, o, x: o.broadcast_in_dim(x, (2, 3), ())), [()]),
    ("lax_squeeze", twice(lambda m, o, x: o.squeeze(x, (0, 2))), [(1, 3, 1)]),
    ("lax_expand_dims", twice(lambda m, o, x: o.expand_dims(x, (0, 3))), [(2, 3)]),
    ("lax_transpose", twice(lambda m, o, x: o.transpose(x, (2, 0, 1))), [(2, 3, 2)]),
    ("lax_concatenate", lambda m, o, x, y: o.concatenate([x, y * y, x * y], 1), [(2, 2), (2, 2)]),
]
IDS = [c[0] for c in CASES]


def _fluxion(program):
    return lambda *xs: program(fnp, S, *xs)


def _jax(program):
    return lambda *xs: program(jnp, lax, *xs)


@pytest.mark.parametrize("name,program,shapes", CASES, ids=IDS)
def test_second_derivatives_match_finite_differences_and_transpose(name, program, shapes):
    check_grads(_fluxion(program), [fnp.asarray(x) for x in inputs(shapes)], order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name,program,shapes", CASES, ids=IDS)
def test_derivatives_match_jax(name, program, shapes):
    assert_derivatives_match_jax(_fluxion(program), _jax(program), inputs(shapes))


@pytest.mark.parametrize("name", ["reshape", "transpose", "flip", "concatenate", "tile", "pad_reflect", "lax_pad",
                                  "lax_slice", "lax_broadcast_in_dim"])
def test_float32_derivatives_match_finite_differences(name):
    _, program, shapes = CASES[IDS.index(name)]
    check_float32_derivatives(_fluxion(program), shapes, order=1, modes=("fwd", "rev"))


def test_grad_of_a_scalar_program_matches_jax_grad():
    def program(m, x):
        y = m.pad(m.concatenate([x, m.flip(x, 0)], axis=1), ((1, 0), (2, 1)), mode="wrap")
        return m.sum(m.tile(y, (2, 1)) * m.roll(m.repeat(y, 2, axis=0), 1, axis=0) ** 2)
    x = rand((3, 2))
    g = fx.grad(lambda x: program(fnp, x))(fnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g), np.asarray(jax.grad(lambda x: program(jnp, x))(x)), rtol=1e-12)


# transpose rules are exactly the transposed Jacobian ------------------------------------------
def _check_transpose(prim, shapes, params, linear=None):
    linear = tuple(range(len(shapes))) if linear is None else linear
    check_transpose(prim, [rand(s, seed=3 + k) for k, s in enumerate(shapes)], linear, **params)


TRANSPOSES = [
    (S.broadcast_in_dim_p, [(1, 3)], dict(shape=(2, 1, 3, 3), broadcast_dimensions=(1, 2))),
    (S.broadcast_in_dim_p, [(2, 1)], dict(shape=(2, 4), broadcast_dimensions=(0, 1))),
    (S.broadcast_in_dim_p, [()], dict(shape=(2, 2), broadcast_dimensions=())),
    (S.reshape_p, [(2, 3)], dict(new_sizes=(3, 1, 2))),
    (S.transpose_p, [(2, 3, 4)], dict(permutation=(2, 0, 1))),
    (S.squeeze_p, [(1, 3, 1)], dict(dimensions=(0, 2))),
    (S.expand_dims_p, [(2, 3)], dict(dimensions=(1, 3))),
    (S.rev_p, [(2, 3, 2)], dict(dimensions=(0, 2))),
    (S.roll_p, [(3, 4, 2)], dict(shifts=(3, 2), axes=(1, 0))),
    (S.concatenate_p, [(2, 1), (2, 3), (2, 0), (2, 2)], dict(dimension=1)),
    (S.pad_p, [(3, 4), ()], dict(padding_config=((-1, 2, 1), (2, -3, 2)))),
    (S.pad_p, [(2, 0), ()], dict(padding_config=((1, 1, 0), (1, 2, 3)))),
    (S.slice_p, [(5, 4)], dict(start_indices=(1, 0), limit_indices=(5, 3), strides=(3, 2))),
    (S.slice_p, [(3, 4)], dict(start_indices=(1, 2), limit_indices=(1, 4), strides=None)),
]


@pytest.mark.parametrize("prim,shapes,params", TRANSPOSES, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(TRANSPOSES)])
def test_transpose_rule_is_the_transposed_jacobian(prim, shapes, params):
    _check_transpose(prim, shapes, params)


def test_transposes_skip_arguments_that_are_not_linear():
    _check_transpose(S.concatenate_p, [(2, 1), (2, 3), (2, 2)], dict(dimension=1), linear=(1,))
    _check_transpose(S.pad_p, [(3, 4), ()], dict(padding_config=((1, 2, 1), (0, -1, 0))), linear=(0,))
    _check_transpose(S.pad_p, [(3, 4), ()], dict(padding_config=((1, 2, 1), (0, -1, 0))), linear=(1,))


@st.composite
def _pad_configs(draw):
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=2)))
    config = []
    for n in shape:
        interior = draw(st.integers(0, 2))
        inner = n + max(n - 1, 0) * interior
        lo = draw(st.integers(-inner, 3))
        hi = draw(st.integers(-(inner + lo) if inner + lo > 0 else 0, 3))
        config.append((lo, hi, interior))
    return shape, tuple(config)


@given(_pad_configs())
def test_pad_transpose_matches_the_jacobian_for_any_padding(case):
    shape, config = case
    _check_transpose(S.pad_p, [shape, ()], dict(padding_config=config))


@st.composite
def _slices(draw):
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=1, max_size=2)))
    start, limit, strides = [], [], []
    for n in shape:
        a = draw(st.integers(0, n))
        start.append(a)
        limit.append(draw(st.integers(a, n)))
        strides.append(draw(st.integers(1, 3)))
    return shape, dict(start_indices=tuple(start), limit_indices=tuple(limit), strides=tuple(strides))


@given(_slices())
def test_slice_transpose_matches_the_jacobian_for_any_strides(case):
    shape, params = case
    _check_transpose(S.slice_p, [shape], params)


@st.composite
def _broadcasts(draw):
    out = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    dims = tuple(sorted(draw(st.sets(st.integers(0, len(out) - 1), max_size=len(out))))) if out else ()
    shape = tuple(draw(st.sampled_from((1, out[d]))) for d in dims)
    return shape, dict(shape=out, broadcast_dimensions=dims)


@given(_broadcasts())
def test_broadcast_in_dim_transpose_sums_over_new_and_stretched_axes(case):
    shape, params = case
    _check_transpose(S.broadcast_in_dim_p, [shape], params)


# iota and zeros -------------------------------------------------------------------------------
def test_iota_has_a_zero_tangent():
    ans, tangent = jvp_rules[S.iota_p]([], [], dtype=dtypes.float64, shape=(2, 3), dimension=1)
    assert tangent.__class__ is Zero and tangent.aval == ans.aval
    x = rand((2, 3))
    g = fx.grad(lambda x: fnp.sum(x * fnp.arange(3.0, dtype=fnp.float64) ** 2))(fnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(g), np.broadcast_to(np.arange(3.0) ** 2, (2, 3)))


def test_shape_ops_of_an_unused_input_give_zero_cotangents():
    g = fx.grad(lambda x, y: fnp.sum(fnp.reshape(x, (3, 2)) ** 2), argnums=(0, 1))(fnp.ones((2, 3)), fnp.ones(4))
    np.testing.assert_array_equal(np.asarray(g[0]), 2 * np.ones((2, 3)))
    np.testing.assert_array_equal(np.asarray(g[1]), np.zeros(4))
