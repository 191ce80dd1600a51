"""sobolnet_torch: sobolnet's path networks in PyTorch, from a `sobolnet export --format torch` file.

    net, manifest = load_export("model.npz")     # nn.Module with the exported weights
    ...train (DistributedDataParallel works), calling apply_sign_constraints after each step...
    save_export(net, manifest, "trained.npz")    # then: sobolnet import trained.npz --into model.sobolnet

The topology comes from the export's index arrays; nothing here generates Sobol' points.
"""
from .data import load_data
from .evaluate import count_correct
from .export_file import apply_sign_constraints, load_export, optimizer_groups, read_manifest, save_export
from .network import SobolnetNet
from .path_conv2d import PathConv2d
from .path_linear import PathLinear

__all__ = ["PathLinear", "PathConv2d", "SobolnetNet", "load_export", "save_export", "apply_sign_constraints",
           "optimizer_groups", "read_manifest", "load_data", "count_correct"]
