"""Reading and writing sobolnet's PyTorch export, an .npz (docs/scaling-out.md), with numpy only.

    __sobolnet__            uint8[N]    the manifest, UTF-8 JSON
    <array name>            float32     every model array, in its PyTorch shape
    <where>.sources         int32[E]    per path layer, the source of each edge in gather order
    <where>.targetOffsets   int32[O+1]  per path layer, CSR offsets by target
"""
import json
import os

import numpy as np
import torch

from .network import SobolnetNet

FORMAT = "sobolnet-torch-export"
VERSION = 1
MANIFEST = "__sobolnet__"


def read_manifest(npz) -> dict:
    """The manifest of an opened export (numpy.load result), checked for format and version."""
    if MANIFEST not in npz.files:
        raise ValueError(f"not a sobolnet export: no {MANIFEST} entry")
    manifest = json.loads(bytes(npz[MANIFEST]).decode("utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ValueError(f"not a {FORMAT} version {VERSION} file: {manifest.get('format')!r} {manifest.get('version')!r}")
    return manifest


def load_export(path, device=None):
    """An export file -> (SobolnetNet with the exported weights and running statistics, manifest)."""
    with np.load(path) as npz:
        manifest = read_manifest(npz)
        indices = {p["where"]: (npz[f"{p['where']}.sources"], npz[f"{p['where']}.targetOffsets"])
                   for p in manifest["pathLayers"]}
        net = SobolnetNet(manifest, indices)
        tensors = net.arrays()
        with torch.no_grad():
            for a in manifest["arrays"]:
                value = npz[a["name"]]
                t = tensors[a["name"]]
                if tuple(value.shape) != tuple(t.shape):
                    raise ValueError(f"array {a['name']} has shape {value.shape}, the network expects {tuple(t.shape)}")
                t.copy_(torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32)))
    if device is not None:
        net = net.to(device)
    return net, manifest


def _network(module) -> SobolnetNet:
    """The SobolnetNet inside a DistributedDataParallel or DataParallel wrapper, or the module itself."""
    while not isinstance(module, SobolnetNet) and hasattr(module, "module"):
        module = module.module
    if not isinstance(module, SobolnetNet):
        raise TypeError(f"expected a SobolnetNet (from load_export), got {type(module).__name__}")
    return module


def save_export(module, manifest, path) -> None:
    """Writes `module`'s weights and running statistics as an export that `sobolnet import` reads:
    the manifest and the index arrays as they came, the arrays from the module (float32). The file
    appears atomically (a temporary file renamed over `path`)."""
    net = _network(module)
    tensors = net.arrays()
    text = json.dumps(manifest, separators=(",", ":"), ensure_ascii=False)
    entries = {MANIFEST: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    for a in manifest["arrays"]:
        entries[a["name"]] = tensors[a["name"]].detach().to("cpu", torch.float32).numpy()
    for p in manifest["pathLayers"]:
        topology = net.path_layers[p["where"]].topology
        entries[f"{p['where']}.sources"] = topology.sources.numpy().astype(np.int32)
        entries[f"{p['where']}.targetOffsets"] = topology.target_offsets.astype(np.int32)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **entries)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def apply_sign_constraints(module, manifest) -> None:
    """Clamps every fixed-sign parameter to its side of zero, as sobolnet's optimiser does after
    each step (signConstraint 1: w < 0 becomes 0; -1: w > 0 becomes 0; NaN and -0.0 stay)."""
    tensors = _network(module).arrays()
    with torch.no_grad():
        for a in manifest["arrays"]:
            sign = a.get("signConstraint", 0)
            if sign == 1:
                t = tensors[a["name"]]
                t.masked_fill_(t < 0, 0.0)
            elif sign == -1:
                t = tensors[a["name"]]
                t.masked_fill_(t > 0, 0.0)


def optimizer_groups(module, manifest, weight_decay: float):
    """Parameter groups with sobolnet's weight-decay flags: weights decay, biases and batch-norm
    parameters do not. Pass to torch.optim.SGD(groups, lr=..., momentum=...)."""
    tensors = _network(module).arrays()
    params = [a for a in manifest["arrays"] if a["role"] == "param"]
    return [
        {"params": [tensors[a["name"]] for a in params if a["decay"]], "weight_decay": weight_decay},
        {"params": [tensors[a["name"]] for a in params if not a["decay"]], "weight_decay": 0.0},
    ]
