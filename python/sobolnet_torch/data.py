"""Reading the data file of scripts/export-data.ts: float32 inputs, or pixel bytes with the table
that turns them into sobolnet's input values (--pixels), so both give the same float32 numbers.

    x_train, y_train, x_test, y_test    inputs [N, ...] and int32 labels [N]
    input_table                         (--pixels only) float32 [C, 256]: byte p of channel c -> input_table[c, p]
"""
import numpy as np
import torch


def _inputs(x: np.ndarray, table) -> torch.Tensor:
    """x [N, D] or [N, C, H, W] as float32; bytes go through the table by channel (axis 1 of an image)."""
    if table is None:
        return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    C = table.shape[0]
    if C == 1:
        return torch.from_numpy(table[0][x])
    if x.ndim != 4 or x.shape[1] != C:
        raise ValueError(f"a {C}-channel input table needs [N, {C}, H, W] bytes, got shape {x.shape}")
    return torch.from_numpy(table[np.arange(C)[None, :, None, None], x])


def load_data(path):
    """A data file -> (x_train float32, y_train int64, x_test float32, y_test int64) tensors on the CPU."""
    with np.load(path) as d:
        table = d["input_table"] if "input_table" in d.files else None
        if table is None and d["x_train"].dtype == np.uint8:
            raise ValueError(f"{path} holds pixel bytes but no input_table")
        return (_inputs(d["x_train"], table), torch.from_numpy(d["y_train"].astype(np.int64)),
                _inputs(d["x_test"], table), torch.from_numpy(d["y_test"].astype(np.int64)))
