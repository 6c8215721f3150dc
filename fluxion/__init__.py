"""fluxion: differentiable programming with NumPy-style Python.

>>> import fluxion as fx
>>> import fluxion.numpy as fnp
>>> fnp.sin(fnp.zeros(2)).tolist()
[0.0, 0.0]
"""
from . import backends as _backends  # noqa: F401  (fills the kernel tables)
from .backends import numpy as _numpy_backend  # noqa: F401
from . import ad_checkpoint as ad_checkpoint
from . import errors as errors
from . import numpy as numpy
from . import nn as nn
from . import random as random
from . import tree as tree
from . import tree_util as tree_util
from . import test_util as test_util
from . import config as config
from . import debug as debug
from . import dtypes as dtypes
from .debug import debug_infs as debug_infs, debug_nans as debug_nans
from . import flatten_util as flatten_util
from . import image as image
from . import lax as lax
from .transforms.staging import (disable_jit as disable_jit, ensure_compile_time_eval as ensure_compile_time_eval,
                                 eval_shape as eval_shape, jit as jit, make_jaxpr as make_jaxpr,
                                 make_program as make_program)
from .transforms.batching import vmap as vmap
from .control import (associative_scan as associative_scan, cond as cond, fori_loop as fori_loop,  # noqa: A004
                      map as map, scan as scan, switch as switch, while_loop as while_loop)
from .core.array import Array as Array, typeof as typeof
from .core.device import (Device as Device, block_until_ready as block_until_ready, device_get as device_get,
                          device_put as device_put, devices as devices)
from .core.program import Program as Program
from .core.types import ShapeDtypeStruct as ShapeDtypeStruct
from .core.device import (default_backend as default_backend, device_count as device_count,
                          local_device_count as local_device_count, local_devices as local_devices,
                          process_count as process_count, process_index as process_index)
from .transforms._caches import clear_caches as clear_caches
from .transforms._closure_convert import closure_convert as closure_convert
from .transforms._custom_gradient import custom_gradient as custom_gradient
from .transforms._linear_transpose import linear_transpose as linear_transpose
from .transforms._naming import named_call as named_call, named_scope as named_scope
from ._callbacks import pure_callback as pure_callback
from .transforms.autodiff import (checkpoint as checkpoint, checkpoint_policies as checkpoint_policies,
                                  custom_jvp as custom_jvp, custom_vjp as custom_vjp, grad as grad,
                                  hessian as hessian, jacfwd as jacfwd, jacrev as jacrev, jvp as jvp,
                                  linearize as linearize, remat as remat, saved_residuals as saved_residuals,
                                  stop_gradient as stop_gradient, value_and_grad as value_and_grad, vjp as vjp)

jacobian = jacrev  # jax's other name for it

__version__ = "0.1.0"
__all__ = ["ad_checkpoint", "config", "jit", "make_program", "Array", "Device", "Program", "block_until_ready", "checkpoint", "checkpoint_policies", "custom_jvp", "custom_vjp", "device_get", "device_put", "devices",
           "errors", "eval_shape", "grad", "hessian", "jacfwd", "jacobian", "jacrev", "jvp", "linearize", "nn", "numpy", "random", "remat",
           "saved_residuals", "stop_gradient", "test_util", "tree", "value_and_grad", "vjp",
           "debug", "debug_infs", "debug_nans", "disable_jit", "ensure_compile_time_eval", "flatten_util", "image",
           "lax",
           "pure_callback", "ShapeDtypeStruct", "typeof", "dtypes", "make_jaxpr",
           "associative_scan", "cond", "switch", "while_loop", "fori_loop", "scan", "map", "vmap",
           "clear_caches", "closure_convert", "custom_gradient", "linear_transpose", "named_call", "named_scope",
           "default_backend", "device_count", "local_device_count", "local_devices", "process_count", "process_index"]
