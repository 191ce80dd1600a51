"""The gather index of one sobolnet path layer, checked: sources[E] and targetOffsets[O+1] (CSR by
target), as an export stores them. Shape legend: I inputs, O outputs, E edges, K fan-in."""
import numpy as np
import torch


class SparseTopology:
    """Checked index tensors of one path layer plus what the modules derive from them.

    targets[E]: the target of each edge (for index_add_); fan_in: K when every target has K
    edges (the sum per target is then a reshape), else None.
    """

    def __init__(self, sources, target_offsets, inputs: int, outputs: int):
        src = np.asarray(sources).astype(np.int64).reshape(-1)
        off = np.asarray(target_offsets).astype(np.int64).reshape(-1)
        if off.shape[0] != outputs + 1 or off[0] != 0 or np.any(np.diff(off) < 0) or off[-1] != src.shape[0]:
            raise ValueError(f"target_offsets must rise from 0 to {src.shape[0]} over {outputs + 1} entries")
        if src.shape[0] and (src.min() < 0 or src.max() >= inputs):
            raise ValueError(f"sources must lie in [0, {inputs})")
        counts = np.diff(off)
        self.inputs, self.outputs, self.edges = inputs, outputs, int(src.shape[0])
        self.sources = torch.from_numpy(src)
        self.target_offsets = off
        self.targets = torch.from_numpy(np.repeat(np.arange(outputs, dtype=np.int64), counts))
        self.fan_in = int(counts[0]) if outputs > 0 and counts[0] > 0 and np.all(counts == counts[0]) else None
