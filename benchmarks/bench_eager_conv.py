"""Eager convolutions, float32, batch 32 of 28x28 images: a 3x3 convolution to 16 channels, ReLU,
a 3x3 stride-2 convolution to 32 channels, ReLU; the loss is the sum of squares. Rows: the forward
pass, and the gradient in both kernels (which runs the transposed convolution and the two kernel
gradients); and a depthwise 3x3 convolution of 64 channels of 32x32 and its gradient.
Target: each at most PyTorch's time."""
import numpy as np

NAME = "eager convolutions, float32"
_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((32, 1, 28, 28)).astype(np.float32)
_W1 = (_RNG.standard_normal((16, 1, 3, 3)) / 3).astype(np.float32)
_W2 = (_RNG.standard_normal((32, 16, 3, 3)) / 12).astype(np.float32)
_D = _RNG.standard_normal((32, 64, 32, 32)).astype(np.float32)
_WD = (_RNG.standard_normal((64, 1, 3, 3)) / 3).astype(np.float32)


def _cases(conv, relu, total, grad, asarray):
    """The operations, given `conv(x, w, stride, groups)` ("SAME" padding, NCHW / OIHW), `relu`,
    `total` (sum of squares) and `grad(f, argnums)`."""
    x, w1, w2, d, wd = (asarray(a) for a in (_X, _W1, _W2, _D, _WD))
    net = lambda w1, w2: total(relu(conv(relu(conv(x, w1, 1, 1)), w2, 2, 1)))  # noqa: E731
    depthwise = lambda wd, d: total(conv(d, wd, 1, 64))  # noqa: E731
    net_grad, depthwise_grad = grad(net, (0, 1)), grad(depthwise, (0, 1))
    return {"conv net forward (32x1x28x28)": lambda: net(w1, w2),
            "conv net gradient": lambda: net_grad(w1, w2),
            "depthwise forward (32x64x32x32)": lambda: depthwise(wd, d),
            "depthwise gradient": lambda: depthwise_grad(wd, d)}


def _fluxion(op):
    def setup():
        import fluxion as fx
        import fluxion.lax as lax
        import fluxion.numpy as fnp
        conv = lambda x, w, s, g: lax.conv_general_dilated(x, w, (s, s), "SAME", feature_group_count=g)  # noqa: E731
        return _cases(conv, lambda v: fnp.maximum(v, 0.0), lambda v: fnp.sum(v * v),
                      lambda f, a: fx.grad(f, argnums=a), fnp.asarray)[op]
    return setup


def _jax(op):
    def setup():
        import jax
        import jax.numpy as jnp
        conv = lambda x, w, s, g: jax.lax.conv_general_dilated(x, w, (s, s), "SAME", feature_group_count=g)  # noqa: E731
        f = _cases(conv, lambda v: jnp.maximum(v, 0.0), lambda v: jnp.sum(v * v),
                   lambda f, a: jax.grad(f, argnums=a), jnp.asarray)[op]
        return lambda: jax.block_until_ready(f())
    return setup


def _torch(op):
    def setup():
        import torch
        import torch.nn.functional as F

        def conv(x, w, s, g):  # (one on each side: the same sizes as "SAME", which PyTorch refuses at stride 2)
            return F.conv2d(x, w, stride=s, padding=1, groups=g)

        def grad(f, argnums):
            def run(*args):
                leaves = [a.detach().requires_grad_() for a in args]
                f(*leaves).backward()
                return tuple(leaves[i].grad for i in argnums)
            return run
        return _cases(conv, torch.relu, lambda v: (v * v).sum(), grad, torch.tensor)[op]
    return setup


CASES = {op: {"fluxion": _fluxion(op), "torch": _torch(op), "jax (eager)": _jax(op)}
         for op in _cases(lambda x, w, s, g: None, None, None, lambda f, a: None, lambda a: a)}
