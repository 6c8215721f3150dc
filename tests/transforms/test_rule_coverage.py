import fluxion  # noqa: F401  (fills the rule tables)
from fluxion.core.rules import abstract_eval, jvp_rules, numpy_kernel, transpose_rules

# primitives that only ever appear inside a linear program, where they are transposed (linear_solve:
# the implicit derivative of scipy.sparse.linalg's solvers)
_STAGED_LINEAR = {"custom_lin", "remat_lin", "while_lin", "linear_block", "linear_solve", "jit_linear"}


def test_every_primitive_has_a_kernel_and_a_jvp_rule():
    ours = [p for p in abstract_eval if abstract_eval[p].__module__.startswith("fluxion")]  # tests define their own
    missing = sorted(p.name for p in ours if p.name not in _STAGED_LINEAR and (p not in numpy_kernel or p not in jvp_rules))
    assert missing == []


def test_staged_linear_primitives_have_transpose_rules():
    staged = [p for p in abstract_eval if p.name in _STAGED_LINEAR]
    assert len(staged) == len(_STAGED_LINEAR) and all(p in transpose_rules for p in staged)


def test_the_linear_primitives_jvp_rules_emit_have_transpose_rules():
    linear = {"add", "sub", "neg", "mul", "div", "select_n", "convert_element_type", "reduce_sum", "broadcast_in_dim",
              "reshape", "transpose", "squeeze", "expand_dims", "rev", "concatenate", "pad", "slice", "dynamic_slice",
              "dynamic_update_slice", "gather", "scatter_add", "cumsum", "dot_general", "conv_general_dilated",
              "triangular_solve", "fft", "real", "imag", "conj", "complex"}
    names = {p.name for p in transpose_rules}
    assert sorted(linear - names) == []
