import itertools

import pytest

from fluxion.core import dtypes as D


@pytest.mark.parametrize("a,b", list(itertools.product(D.ALL, D.ALL)))
def test_promotion_is_commutative(a, b):
    assert D.result_type((a, False), (b, False)) == D.result_type((b, False), (a, False))


@pytest.mark.parametrize("a,b,c", [(D.int8, D.uint8, D.float16), (D.bool_, D.int32, D.float32),
                                   (D.uint16, D.int32, D.complex64), (D.float16, D.bfloat16, D.int8)])
def test_promotion_is_associative_on_samples(a, b, c):
    ab = D.result_type((a, False), (b, False))[0]
    bc = D.result_type((b, False), (c, False))[0]
    assert D.result_type((ab, False), (c, False)) == D.result_type((a, False), (bc, False))


@pytest.mark.parametrize("a,b,expected", [
    (D.int8, D.uint8, D.int16), (D.int16, D.uint16, D.int32), (D.uint8, D.int64, D.int64),
    (D.int32, D.float32, D.float32), (D.float16, D.bfloat16, D.float32), (D.float64, D.complex64, D.complex128),
    (D.bool_, D.uint8, D.uint8), (D.uint64, D.int64, D.float64),
])
def test_promotion_follows_the_standard_and_keeps_float32_for_mixed_kinds(a, b, expected):
    assert D.result_type((a, False), (b, False)) == (expected, False)


@pytest.mark.parametrize("strong,scalar,expected", [
    (D.int8, int, D.int8), (D.uint8, int, D.uint8), (D.float16, float, D.float16), (D.int32, float, D.float32),
    (D.bfloat16, complex, D.complex64), (D.float64, complex, D.complex128), (D.bool_, int, D.int64),
    (D.bool_, bool, D.bool_),
])
def test_python_scalars_are_weak(strong, scalar, expected):
    weak = D.scalar_dtype(scalar(1))
    assert D.result_type((strong, False), (weak, True)) == (expected, False)


def test_only_weak_operands_stay_weak():
    assert D.result_type((D.int64, True), (D.float32, True)) == (D.float32, True)


def test_canonicalize_rejects_unsupported_dtypes_with_the_supported_list():
    with pytest.raises(TypeError, match="not supported"):
        D.canonicalize("datetime64[s]")
    assert D.canonicalize(float) == D.float32 and D.canonicalize("bfloat16") == D.bfloat16
