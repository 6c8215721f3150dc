"""Automatic differentiation: forward mode, and reverse mode as forward mode plus transposition."""
from .api import grad, jvp, linearize, value_and_grad, vjp  # noqa: F401
from .checkpoint import (checkpoint, checkpoint_name, checkpoint_policies, print_saved_residuals,  # noqa: F401
                         remat, saved_residuals)
from .custom import custom_jvp, custom_vjp  # noqa: F401
from .jacobians import hessian, jacfwd, jacrev, stop_gradient  # noqa: F401
