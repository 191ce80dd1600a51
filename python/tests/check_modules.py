"""PathLinear and PathConv2d against their dense masked equivalents, in float64.

For a random topology with variable fan-in (one target without edges, a repeated edge) and one
with constant fan-in, each module's forward output and the gradients of its input, weights and
bias equal those of a dense layer whose weight matrix holds each edge's weight at (target,
source) (repeated edges summed) and zeros elsewhere; torch.autograd.gradcheck confirms each
module's own gradients against finite differences. Prints one line per check; exit 1 on a failure.

    /usr/bin/python3 python/tests/check_modules.py
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sobolnet_torch import PathConv2d, PathLinear  # noqa: E402

torch.set_default_dtype(torch.float64)
failures = []


def report(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}")
    if not ok:
        failures.append(name)


def topologies(I, O, rng):
    """A variable fan-in topology (target 1 without edges, one edge repeated) and a constant fan-in one."""
    counts = rng.integers(1, 4, size=O)
    counts[1] = 0
    sources = [rng.integers(0, I, size=c) for c in counts]
    sources[0] = np.array([2, 2, 0])  # a repeated edge, as 'duplicates: keep' stores it
    counts[0] = 3
    variable = (np.concatenate(sources), np.concatenate([[0], np.cumsum(counts)]))
    K = 2
    constant = (rng.integers(0, I, size=O * K), np.arange(O + 1) * K)
    return {"variable fan-in": variable, "constant fan-in": constant}


def dense_of(weight, sources, offsets, I, O):
    """The dense weight [O, I, ...] holding each edge's weight at (target, source), repeats summed."""
    targets = torch.from_numpy(np.repeat(np.arange(O), np.diff(offsets)))
    dense = weight.new_zeros((O, I) + tuple(weight.shape[1:]))
    return dense.index_put((targets, torch.from_numpy(np.asarray(sources, dtype=np.int64))), weight, accumulate=True)


def compare(name, module, x, dense_forward):
    """Output and gradients (input, weight, bias) of `module` against `dense_forward(x, weight, bias)`."""
    x1 = x.clone().requires_grad_(True)
    y = module(x1)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    x2 = x.clone().requires_grad_(True)
    w2 = module.weight.detach().clone().requires_grad_(True)
    b2 = module.bias.detach().clone().requires_grad_(True)
    y2 = dense_forward(x2, w2, b2)
    (y2 * g).sum().backward()
    err = max(float((y - y2).abs().max()), float((x1.grad - x2.grad).abs().max()),
              float((module.weight.grad - w2.grad).abs().max()), float((module.bias.grad - b2.grad).abs().max()))
    report(f"{name}: output and gradients equal the dense masked layer's", err < 1e-12, f"(max abs difference {err:.1e})")
    ok = torch.autograd.gradcheck(lambda xx, w, b: _call(module, xx, w, b), (x.clone().requires_grad_(True),
                                  module.weight.detach().clone().requires_grad_(True),
                                  module.bias.detach().clone().requires_grad_(True)), eps=1e-6, atol=1e-8)
    report(f"{name}: gradcheck (finite differences)", ok)


def _call(module, x, weight, bias):
    """module(x) with its weight and bias replaced by the given tensors (for gradcheck)."""
    return torch.nn.utils.stateless.functional_call(module, {"weight": weight, "bias": bias}, (x,))


def main():
    rng = np.random.default_rng(5)
    torch.manual_seed(5)
    I, O, B = 6, 5, 3
    for kind, (sources, offsets) in topologies(I, O, rng).items():
        layer = PathLinear(sources, offsets, I, O, bias=True).double()
        with torch.no_grad():
            layer.bias.normal_()
        compare(f"PathLinear, {kind}", layer, torch.randn(B, I),
                lambda x, w, b: F.linear(x, dense_of(w, sources, offsets, I, O), b))
    k, H = 3, 7
    for kind, (sources, offsets) in topologies(I, O, rng).items():
        for stride, padding in ((1, 1), (2, 1), (2, 0)):
            conv = PathConv2d(sources, offsets, I, O, k, stride, padding, bias=True).double()
            with torch.no_grad():
                conv.bias.normal_()
            compare(f"PathConv2d, {kind}, stride {stride}, padding {padding}", conv, torch.randn(B, I, H, H),
                    lambda x, w, b, s=stride, p=padding, so=sources, of=offsets:
                    F.conv2d(x, dense_of(w, so, of, I, O), b, stride=s, padding=p))
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
