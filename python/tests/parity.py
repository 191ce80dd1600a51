"""Runs one training step of an exported network in PyTorch, for test/export/torch-parity.test.ts.

    /usr/bin/python3 python/tests/parity.py <export.npz> <batch.npz> <out.npz> <lr> <momentum> <weight decay> [float32|float64]

batch.npz holds x (float32, [B, D] or [B, C, H, W]) and labels (int32 [B]). In training mode
(batch statistics): logits, the mean softmax cross-entropy and its gradient for every parameter;
then one SGD step (momentum, weight decay on the arrays the manifest marks, sign clamps).
out.npz: logits[B, C], loss[1], grad.<name> per parameter, state.<name> per running statistic
after the forward pass, after.<name> per array after the step. With float64 the network and batch are converted to double
first (the exported float32 values exactly) and the outputs are float64.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sobolnet_torch as st  # noqa: E402


def main(export, batch, out, lr, momentum, weight_decay, dtype):
    torch.manual_seed(0)
    net, manifest = st.load_export(export)
    net = net.to(dtype)
    net.train()
    with np.load(batch) as b:
        x = torch.from_numpy(b["x"]).to(dtype)
        labels = torch.from_numpy(b["labels"].astype(np.int64))
    logits = net(x)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    arrays = net.arrays()
    result = {"logits": logits.detach().numpy(), "loss": loss.detach().reshape(1).numpy()}
    for a in manifest["arrays"]:
        t = arrays[a["name"]]
        if a["role"] == "param":
            result[f"grad.{a['name']}"] = t.grad.numpy().copy()
        else:
            result[f"state.{a['name']}"] = t.detach().numpy().copy()
    opt = torch.optim.SGD(st.optimizer_groups(net, manifest, weight_decay), lr=lr, momentum=momentum)
    opt.step()
    st.apply_sign_constraints(net, manifest)
    for a in manifest["arrays"]:
        result[f"after.{a['name']}"] = arrays[a["name"]].detach().numpy().copy()
    np.savez(out, **result)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]),
         getattr(torch, sys.argv[7] if len(sys.argv) > 7 else "float32"))
