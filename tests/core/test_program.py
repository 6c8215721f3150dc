import numpy as np

import fluxion.numpy as fnp
from fluxion.core.program import Equation, Literal, Program, Var, evaluate
from fluxion.core.types import ArrayType
from fluxion.ops import elementwise as E


def _program():
    f32 = ArrayType((4, 4), fnp.float32)
    a, b, c, d = Var(f32), Var(f32), Var(f32), Var(f32)
    two = Literal(np.float32(2), ArrayType((), fnp.float32, weak=True))
    eqs = [Equation(E.add_p, [a, b], [c], {}), Equation(E.mul_p, [c, two], [d], {})]
    return Program([], [], [a, b], eqs, [d])


def test_program_prints_one_typed_equation_a_line():
    assert str(_program()) == (
        "{ lambda ; a:f32[4,4] b:f32[4,4]. let\n"
        "    c:f32[4,4] = add a b\n"
        "    d:f32[4,4] = mul c 2.0\n"
        "  in (d,) }")


def test_evaluating_a_program_matches_numpy():
    x, y = np.random.default_rng(0).normal(size=(2, 4, 4)).astype(np.float32)
    (out,) = evaluate(_program(), fnp.asarray(x), fnp.asarray(y))
    np.testing.assert_allclose(np.asarray(out), (x + y) * 2, rtol=1e-6)


def test_params_print_by_name():
    f32 = ArrayType((3,), fnp.float32)
    a, b = Var(f32), Var(ArrayType((3,), fnp.int32))
    p = Program([], [], [a], [Equation(E.convert_element_type_p, [a], [b], {"new_dtype": np.dtype("int32")})], [b])
    assert "convert_element_type[new_dtype=dtype('int32')] a" in str(p)
