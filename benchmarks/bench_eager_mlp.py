"""An eager training step of an MLP classifier (784-512-512-10, ReLU, log-softmax cross-entropy,
SGD), float32, batch 128: the forward pass, its gradient by reverse mode and the update, each
step's parameters feeding the next, written once for every framework (target: at most PyTorch
eager autograd's time). jax runs op by op, without jit."""
import mlp

NAME = "eager MLP training step (784-512-512-10, batch 128, SGD), float32"
LR = 0.01


def _loss(relu, logsumexp):
    """The mean cross-entropy of the network's log-softmax against one-hot labels."""
    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = relu(h @ w + b)
        w, b = params[-1]
        logits = h @ w + b
        logp = logits - logsumexp(logits)
        return -(logp * y).sum() / mlp.BATCH
    return loss


def _functional(grad, asarray, relu, logsumexp, block):
    """The step of a framework whose arrays are values: new parameters from the gradient."""
    params, x, y = mlp.data()
    carry = [[(asarray(w), asarray(b)) for w, b in params]]
    x, y = asarray(x), asarray(y)
    step_grad = grad(_loss(relu, logsumexp))

    def step():
        g = step_grad(carry[0], x, y)
        carry[0] = [(w - LR * gw, b - LR * gb) for (w, b), (gw, gb) in zip(carry[0], g)]
        return block(carry[0][-1][1])
    return step


def _fluxion():
    import fluxion as fx
    import fluxion.numpy as fnp
    import fluxion.scipy.special as fsp
    return _functional(fx.grad, fnp.asarray, lambda h: fnp.maximum(h, 0.0),
                       lambda z: fsp.logsumexp(z, axis=1, keepdims=True), lambda v: v)


def _jax():
    import jax
    import jax.numpy as jnp
    import jax.scipy.special as jsp
    return _functional(jax.grad, jnp.asarray, lambda h: jnp.maximum(h, 0.0),
                       lambda z: jsp.logsumexp(z, axis=1, keepdims=True), jax.block_until_ready)


def _torch():
    import torch
    params, x, y = mlp.data()
    params = [(torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)) for w, b in params]
    x, y = torch.tensor(x), torch.tensor(y)
    loss = _loss(torch.relu, lambda z: torch.logsumexp(z, 1, keepdim=True))

    def step():
        loss(params, x, y).backward()
        with torch.no_grad():
            for w, b in params:
                for p in (w, b):
                    p -= LR * p.grad
                    p.grad = None
        return params[-1][1]
    return step


def peers():
    return {"fluxion": _fluxion, "torch": _torch, "jax (eager)": _jax}
