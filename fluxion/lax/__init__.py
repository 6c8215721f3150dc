"""`fluxion.lax`: jax.lax's functions, with its names, signatures and semantics, on fluxion's primitives.

For code ported from JAX: `from fluxion import lax` in place of `from jax import lax`. Each
function binds fluxion primitives (or composes a few), so it differentiates, batches and
compiles like the rest of fluxion. Where fluxion differs from jax.lax it says so in the
function's docstring; keywords that only steer XLA (`precision`, sharding, index hints) are
accepted and ignored. See README.md for what is here and what is not.

>>> from fluxion import lax
>>> lax.div(-7, 2).item(), lax.rem(-7, 2).item()
(-3, -1)
"""
from ..control import (associative_scan as associative_scan, cond as cond, fori_loop as fori_loop, scan as scan,
                       switch as switch, while_loop as while_loop)
from ..transforms.autodiff import stop_gradient as stop_gradient
from ._arithmetic import (AccuracyMode as AccuracyMode, RoundingMethod as RoundingMethod, Tolerance as Tolerance,
                          abs as abs, acos as acos, acosh as acosh,  # noqa: A004
                          add as add, asin as asin, asinh as asinh, atan as atan, atan2 as atan2, atanh as atanh,
                          cbrt as cbrt, ceil as ceil, clamp as clamp, complex as complex, conj as conj, cos as cos,
                          cosh as cosh, div as div, exp as exp, exp2 as exp2, expm1 as expm1, floor as floor,
                          imag as imag, integer_pow as integer_pow, is_finite as is_finite, log as log,
                          log1p as log1p, logistic as logistic, max as max, min as min, mul as mul, mulhi as mulhi,
                          neg as neg,
                          nextafter as nextafter, pow as pow, real as real, reciprocal as reciprocal, rem as rem,
                          round as round, rsqrt as rsqrt, sign as sign, sin as sin, sinh as sinh, sqrt as sqrt,
                          square as square, sub as sub, tan as tan, tanh as tanh)
from ._collectives import (all_gather as all_gather, all_to_all as all_to_all, axis_index as axis_index,
                           axis_size as axis_size, pmax as pmax, pmean as pmean, pmin as pmin, ppermute as ppermute,
                           pshuffle as pshuffle, psum as psum, psum_scatter as psum_scatter, pswapaxes as pswapaxes)
from ._bits import (bitwise_and as bitwise_and, bitwise_not as bitwise_not, bitwise_or as bitwise_or,
                    bitwise_xor as bitwise_xor, clz as clz, eq as eq, ge as ge, gt as gt, le as le, lt as lt, ne as ne,
                    population_count as population_count, shift_left as shift_left,
                    shift_right_arithmetic as shift_right_arithmetic, shift_right_logical as shift_right_logical)
from ._contract import (ConvDimensionNumbers as ConvDimensionNumbers, Precision as Precision,
                        batch_matmul as batch_matmul, conv as conv, conv_dimension_numbers as conv_dimension_numbers,
                        conv_general_dilated as conv_general_dilated,
                        conv_with_general_padding as conv_with_general_padding, dot as dot, dot_general as dot_general,
                        padtype_to_pads as padtype_to_pads)
from ._control import (composite as composite, map as map,  # noqa: A004
                       optimization_barrier as optimization_barrier,
                       with_sharding_constraint as with_sharding_constraint)
from ._conv import (conv_general_dilated_local as conv_general_dilated_local,
                    conv_general_dilated_patches as conv_general_dilated_patches, conv_transpose as conv_transpose)
from ._conv_shapes import (conv_general_permutations as conv_general_permutations,
                           conv_general_shape_tuple as conv_general_shape_tuple, conv_shape_tuple as conv_shape_tuple,
                           conv_transpose_shape_tuple as conv_transpose_shape_tuple,
                           reduce_window_shape_tuple as reduce_window_shape_tuple)
from ._convert import (bitcast_convert_type as bitcast_convert_type, convert_element_type as convert_element_type,
                       reduce_precision as reduce_precision, select as select, select_n as select_n)
from ._dynamic import (dynamic_index_in_dim as dynamic_index_in_dim, dynamic_slice as dynamic_slice,
                       dynamic_slice_in_dim as dynamic_slice_in_dim,
                       dynamic_update_index_in_dim as dynamic_update_index_in_dim,
                       dynamic_update_slice as dynamic_update_slice,
                       dynamic_update_slice_in_dim as dynamic_update_slice_in_dim)
from ._fft import FftType as FftType, fft as fft
from ._gather import (GatherDimensionNumbers as GatherDimensionNumbers, GatherScatterMode as GatherScatterMode,
                      ScatterDimensionNumbers as ScatterDimensionNumbers, gather as gather, index_take as index_take,
                      scatter as scatter, scatter_add as scatter_add, scatter_apply as scatter_apply,
                      scatter_max as scatter_max, scatter_min as scatter_min, scatter_mul as scatter_mul,
                      scatter_sub as scatter_sub)
from ._platform import platform_dependent as platform_dependent
from ._ragged import (RaggedDotDimensionNumbers as RaggedDotDimensionNumbers, ragged_dot as ragged_dot,
                      ragged_dot_general as ragged_dot_general)
from ._reduce import (argmax as argmax, argmin as argmin, cumlogsumexp as cumlogsumexp, cummax as cummax,
                      cummin as cummin, cumprod as cumprod, cumsum as cumsum, reduce as reduce, reduce_and as reduce_and,
                      reduce_max as reduce_max, reduce_min as reduce_min, reduce_or as reduce_or,
                      reduce_prod as reduce_prod, reduce_sum as reduce_sum, reduce_window as reduce_window,
                      reduce_xor as reduce_xor)
from ._rng import RandomAlgorithm as RandomAlgorithm, rng_bit_generator as rng_bit_generator
from ._shape import (broadcast as broadcast, broadcast_in_dim as broadcast_in_dim, broadcast_like as broadcast_like,
                     broadcast_shapes as broadcast_shapes, broadcast_to_rank as broadcast_to_rank,
                     broadcasted_iota as broadcasted_iota, collapse as collapse, concatenate as concatenate,
                     empty as empty, expand_dims as expand_dims, full as full, full_like as full_like,
                     index_in_dim as index_in_dim, iota as iota, pad as pad, reshape as reshape, rev as rev,
                     slice as slice, slice_in_dim as slice_in_dim, split as split, squeeze as squeeze,  # noqa: A004
                     tile as tile, transpose as transpose, unstack as unstack, zeros_like_array as zeros_like_array)
from . import linalg as linalg
from ._solves import custom_linear_solve as custom_linear_solve, custom_root as custom_root
from ._sort import (approx_max_k as approx_max_k, approx_min_k as approx_min_k, sort as sort,
                    sort_key_val as sort_key_val, top_k as top_k)
from ._special import (bessel_i0e as bessel_i0e, bessel_i1e as bessel_i1e, betainc as betainc, digamma as digamma,
                       erf as erf, erf_inv as erf_inv, erfc as erfc, igamma as igamma, igamma_grad_a as igamma_grad_a,
                       igammac as igammac, lgamma as lgamma, polygamma as polygamma,
                       random_gamma_grad as random_gamma_grad, zeta as zeta)
