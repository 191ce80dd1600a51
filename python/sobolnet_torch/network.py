"""The network of a sobolnet PyTorch export, built from its manifest (docs/scaling-out.md).

Walks the manifest's layer graph as sobolnet does (model/layer-spec.ts: layer `i`, or
`<block>.body.<i>` / `<block>.shortcut.<i>` inside a residual block), so every array gets the name
sobolnet gives it, `<where>.<kind>.<array>`. Shape legend: B batch, C classes.
"""
import torch
from torch import nn

from . import layers as L
from .path_conv2d import PathConv2d
from .path_linear import PathLinear

# sobolnet's batch-norm array names -> PyTorch's
_BATCHNORM = {"gamma": "weight", "beta": "bias", "runningMean": "running_mean", "runningVar": "running_var"}


def _conv_out(n: int, k: int, s: int, p: int) -> int:
    return (n + 2 * p - k) // s + 1


class SobolnetNet(nn.Module):
    """A sobolnet network: x[B, D] or x[B, C, H, W] (NCHW) -> logits[B, C].

    ``array_names`` maps each sobolnet array name to the qualified name of its parameter or buffer;
    ``arrays()`` returns them as tensors (what save_export writes and the tests compare).
    """

    def __init__(self, manifest, indices):
        super().__init__()
        self.array_names = {}
        self.path_layers = {}
        bn = manifest.get("batchNorm") or {"momentum": 0.1, "eps": 1e-5}
        self._bn = bn
        self._indices = indices
        self.layers, _ = self._build(manifest["layers"], manifest["input"], "", "layers")

    def _build(self, specs, shape, prefix, qualified):
        modules = []
        for i, spec in enumerate(specs):
            where = str(i) if prefix == "" else f"{prefix}.{i}"
            q = f"{qualified}.{i}"
            module, shape = self._layer(spec, shape, where, q)
            modules.append(module)
        return nn.Sequential(*modules), shape

    def _name(self, where, kind, names, q):
        for sob, torch_name in names.items():
            self.array_names[f"{where}.{kind}.{sob}"] = f"{q}.{torch_name}"

    def _layer(self, spec, shape, where, q):
        kind = spec["kind"]
        C, H, W = shape["channels"], shape["height"], shape["width"]
        if kind == "linear":
            O, D = spec["outputs"], C * H * W
            out = {"channels": O, "height": 1, "width": 1}
            if spec["path"]:
                sources, offsets = self._indices[where]
                m = PathLinear(sources, offsets, D, O, bias=True)
                self.path_layers[where] = m
                self._name(where, "path", {"weight": "weight", "bias": "bias"}, q)
            else:
                m = L.Linear(D, O, bias=True)
                self._name(where, "dense", {"weight": "weight", "bias": "bias"}, q)
            return m, out
        if kind == "conv":
            k, s, p, O = spec["kernel"], spec["stride"], spec["padding"], spec["outputs"]
            out = {"channels": O, "height": _conv_out(H, k, s, p), "width": _conv_out(W, k, s, p)}
            names = {"weight": "weight", "bias": "bias"} if spec["bias"] else {"weight": "weight"}
            if spec["path"]:
                sources, offsets = self._indices[where]
                m = _PathConvImage(shape, PathConv2d(sources, offsets, C, O, k, s, p, bias=spec["bias"]))
                self.path_layers[where] = m.conv
                self._name(where, "path-conv", names, f"{q}.conv")
            else:
                m = L.Conv2d(shape, C, O, k, stride=s, padding=p, bias=spec["bias"])
                self._name(where, "conv", names, q)
            return m, out
        if kind == "batchnorm":
            m = L.BatchNorm(C, eps=self._bn["eps"], momentum=self._bn["momentum"])
            self._name(where, "batchnorm", _BATCHNORM, q)
            return m, shape
        if kind == "relu":
            return nn.ReLU(), shape
        if kind in ("maxpool", "avgpool"):
            k, s = spec["size"], spec["stride"]
            return L.Pool2d(kind, shape, k, s), {"channels": C, "height": _conv_out(H, k, s, 0), "width": _conv_out(W, k, s, 0)}
        if kind == "global-avgpool":
            return L.GlobalAvgPool(shape), {"channels": C, "height": 1, "width": 1}
        if kind == "flatten":
            return L.Flatten(), {"channels": C * H * W, "height": 1, "width": 1}
        if kind == "residual":
            body, out = self._build(spec["body"], shape, f"{where}.body", f"{q}.body")
            shortcut, _ = self._build(spec["shortcut"], shape, f"{where}.shortcut", f"{q}.shortcut")
            return L.Residual(body, shortcut), out
        raise ValueError(f"layer {where}: unknown kind {kind!r}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x).reshape(x.shape[0], -1)

    def arrays(self):
        """{sobolnet array name: its parameter or buffer}, in the export's order."""
        out = {}
        for name, q in self.array_names.items():
            owner, attr = q.rsplit(".", 1)
            out[name] = getattr(self.get_submodule(owner), attr)
        return out


class _PathConvImage(nn.Module):
    """A PathConv2d that first views its input as the placed C×H×W image."""

    def __init__(self, shape, conv: PathConv2d):
        super().__init__()
        self.shape = shape
        self.conv = conv

    def forward(self, x):
        return self.conv(L.as_image(x, self.shape))
