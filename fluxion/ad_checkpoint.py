"""Checkpointing under jax.ad_checkpoint's names: `checkpoint` (alias `remat`), its policies,
`checkpoint_name` (a name for a value that policies can save) and `print_saved_residuals`.

>>> import fluxion as fx, fluxion.numpy as fnp
>>> from fluxion.ad_checkpoint import checkpoint_name, checkpoint_policies
>>> f = fx.checkpoint(lambda x: fnp.sin(checkpoint_name(x * 2, "h")),
...                   policy=checkpoint_policies.save_only_these_names("h"))
>>> round(float(fx.grad(f)(0.5)), 6)
1.080605
"""
from .transforms.autodiff import (checkpoint as checkpoint, checkpoint_name as checkpoint_name,
                                  checkpoint_policies as checkpoint_policies,
                                  print_saved_residuals as print_saved_residuals, remat as remat)

__all__ = ["checkpoint", "checkpoint_name", "checkpoint_policies", "print_saved_residuals", "remat"]
