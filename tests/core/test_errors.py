"""The line an error message points the user to: their own, not fluxion's or jax's."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
import fluxion.scipy.stats as fst
from fluxion.core.errors import user_frame
from fluxion.core.primitive import numpy_kernel
from fluxion.ops._util import define


def _line_of(marker: str) -> str:
    """`file:line` of the line of this file holding `marker` (written in a comment there)."""
    with open(__file__) as f:
        (line,) = [i for i, text in enumerate(f, 1) if text.rstrip().endswith(f"# {marker}")]
    return f"{__file__}:{line}"


def _called_from(module: str) -> str:
    """`user_frame()` as seen from a function defined in a module named `module`."""
    scope = {"__name__": module, "user_frame": user_frame}
    exec("def inner():\n    return user_frame()\n", scope)
    return scope["inner"]()  # called here


@pytest.mark.parametrize("module", ["jax._src.interpreters.partial_eval", "jax", "jaxlib.xla_client"])
def test_user_frame_skips_the_frames_of_jax_and_jaxlib(module):
    assert _called_from(module) == _line_of("called here")


@pytest.mark.parametrize("module", ["jaxtyping", "my_jax", "__main__"])
def test_user_frame_stops_at_modules_that_only_resemble_jax(module):
    assert _called_from(module) == "<string>:2"


def test_error_raised_while_lowering_names_the_users_line():
    unlowered = define("unlowered_double", lambda x: x)
    numpy_kernel[unlowered] = lambda x: x * 2
    f = fx.jit(lambda x: unlowered.bind(x) + 1)
    np.testing.assert_array_equal(unlowered.bind(fnp.ones(2)), [2.0, 2.0])  # it runs eagerly
    with pytest.raises(NotImplementedError) as info:
        f(fnp.ones(2))  # lowered here
    message = str(info.value)
    assert f"at {_line_of('lowered here')}\n" in message
    assert "unlowered_double: has no XLA lowering" in message and "fix: call the function without fx.jit" in message


def test_an_error_raised_in_the_backward_pass_names_the_users_line():
    with pytest.raises(NameError) as info:
        fx.grad(lambda v: fx.lax.psum(v, "i").sum())(1.0)  # differentiated here
    assert f"at {_line_of('differentiated here')}\n" in str(info.value)


_G = fnp.zeros(3)  # a global array that jitted code cannot update in place


@pytest.mark.parametrize("call, builtin", [
    (lambda: fnp.histogram(fnp.zeros(3), bins=0), ValueError),
    (lambda: fnp.add.at(fnp.zeros(3), 0, 1.0), ValueError),
    (lambda: fnp.arange(3.0)[:, None].item(), ValueError),
    (lambda: len(fnp.asarray(1.0)), TypeError),
    (lambda: bool(fnp.zeros(2)), ValueError),
    (lambda: fx.tree.map(lambda a, b: a, (1, 2), (1,)), ValueError),
    (lambda: fsp.polygamma(-1, 1.0), ValueError),
    (lambda: fst.rankdata(fnp.zeros(2), method="mean"), ValueError),
    (lambda: fst.rankdata(fnp.zeros(2), nan_policy="raise"), NotImplementedError),
    (lambda: fnp.cov(fnp.ones((2, 3)), fweights=fnp.zeros(3, dtype=int)), ZeroDivisionError),
    (lambda: fnp.take(fnp.zeros(3), 5), IndexError),
    # common mistakes that once raised Python's or another library's errors from inside fluxion
    (lambda: fx.debug.print("x = {} {}", fnp.ones(2)), ValueError),
    (lambda: fx.debug.print("{y}", fnp.ones(2)), ValueError),
    (lambda: fx.lax.conv_general_dilated(fnp.ones((1, 3, 8, 8)), fnp.ones((4, 3, 3, 3)), (0, 1), "SAME"), ValueError),
    (lambda: fx.lax.dot_general(fnp.ones((2, 3)), fnp.ones((3, 4)), ((1,), (0,))), TypeError),
    (lambda: fnp.linspace(0, 1, 5.0), TypeError),
    (lambda: fnp.arange(5.0)[::0], ValueError),
    (lambda: fnp.arange(5.0)[0.5:2], TypeError),
    (lambda: fx.nn.one_hot(fnp.asarray([0, 1]), -3), ValueError),
    (lambda: fx.jit(lambda x: _G.__setitem__(0, x[0]) or x)(fnp.ones(3)), TypeError),
    (lambda: fx.jit(lambda x, n: fnp.sum(x, axis=n))(fnp.ones((2, 3)), 1), TypeError),
    (lambda: fx.jit(lambda x, n: fnp.zeros((n, 2)))(fnp.ones(2), 3), TypeError),
    (lambda: fx.jit(lambda x: fx.pure_callback(lambda v: np.ones(4, np.float32), fx.ShapeDtypeStruct((3,), fnp.float32),
                                               x))(fnp.arange(3.0)), ValueError),
])
def test_errors_are_fluxion_errors_and_the_matching_builtins(call, builtin):
    with pytest.raises(builtin) as e:
        call()
    assert isinstance(e.value, fx.errors.FluxionError), type(e.value).__mro__


def test_a_traced_size_or_axis_names_the_argument_and_static_argnums():
    for f in (lambda x, n: fnp.sum(x, axis=n), lambda x, n: fnp.zeros((n, 2)), lambda x, n: fx.random.normal(
            fx.random.key(0), (n,))):
        with pytest.raises(fx.errors.ConcretizationError, match=r"(?s)argument `n`.*static_argnums=\(1,\)"):
            fx.jit(f)(fnp.ones((2, 3)), 1)


def test_float_of_a_traced_value_suggests_leaving_it_an_array():
    with pytest.raises(fx.errors.ConcretizationError, match=r"(?s)float\(\): needs a concrete value.*fix: leave it an "
                                                          r"array \(compute with it, or x.astype\(...\), rather than "
                                                          r"float\(x\)\)"):
        fx.jit(lambda x: fnp.sin(float(fnp.sum(x))))(fnp.ones(2))


def test_a_callbacks_own_error_comes_out_of_a_jitted_call(caplog):
    def check(v):
        if v.sum() > 5:
            raise KeyError("the user's problem")
        return v
    f = fx.jit(lambda x: fx.pure_callback(check, fx.ShapeDtypeStruct((3,), fnp.float32), x))
    g = fx.jit(lambda x: (fx.debug.callback(check, x), x * 2)[1])
    for h in (f, g):
        np.testing.assert_array_equal(h(fnp.arange(3.0)), np.arange(3.0) * (h is g) + np.arange(3.0))
        for _ in range(2):  # (calls of a signature already compiled)
            with pytest.raises(KeyError, match="the user's problem"):
                h(fnp.arange(3.0) + 1)
    assert "callback failed" not in caplog.text  # (it is raised, not logged as well)


def test_a_float_seed_gets_a_fix_that_works():
    with pytest.raises(TypeError, match=r"fix: pass fx.random.key\(2\)"):
        fx.random.normal(2.0, (3,))
    with pytest.raises(TypeError, match="fix: pass fx.random.key\\(an_integer_seed\\)"):
        fx.random.normal(1.5, (3,))


def test_operators_take_other_libraries_arrays_and_a_jax_key_gets_the_fix():
    jnp = pytest.importorskip("jax.numpy")
    import jax
    a = fnp.arange(3.0)
    out = a + jnp.ones(3)
    assert isinstance(out, fx.Array)
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(a == jnp.arange(3.0), [True, True, True])
    with pytest.raises(TypeError, match=r"(?s)got a PRNGKeyArray.*jax.random.key_data"):
        fx.random.normal(jax.random.key(0), (3,))
    words = jax.random.key_data(jax.random.key(0))
    np.testing.assert_array_equal(fx.random.normal(words, (3,)), fx.random.normal(fx.random.key(0), (3,)))
