"""The dense and shape-only layers of a sobolnet graph as PyTorch modules.

sobolnet passes every activation as an image C×H×W (a vector of n is n×1×1; flatten is free in
its x[C][H][W][B] layout). Here a vector travels as [B, n] and an image as [B, C, H, W]: each
module below reshapes its input to what it needs (a linear layer flattens, a convolution or pooling
layer views a vector as its C×H×W), so any order of layers the graph allows runs.
Shape legend: B batch, C channels, H×W image, D features, U units.
"""
import torch
import torch.nn.functional as F
from torch import nn


def as_image(x: torch.Tensor, shape) -> torch.Tensor:
    """x[B, ...] -> x[B, C, H, W] for the placed input shape (channels, height, width)."""
    return x.reshape(x.shape[0], shape["channels"], shape["height"], shape["width"])


class Linear(nn.Linear):
    """nn.Linear over the flattened input: x[B, ...] -> y[B, O]. sobolnet's W[O][I] is weight."""

    def forward(self, x):
        return super().forward(x.reshape(x.shape[0], -1))


class Conv2d(nn.Conv2d):
    """nn.Conv2d on the placed input shape: x[B, ...] -> y[B, Co, Ho, Wo]."""

    def __init__(self, shape, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shape = shape

    def forward(self, x):
        return super().forward(as_image(x, self.shape))


class BatchNorm(nn.modules.batchnorm._BatchNorm):
    """Batch norm per unit of a vector [B, U] or per channel of an image [B, U, H, W], with the
    running-statistics update of PyTorch (unbiased variance), which sobolnet follows. A subclass of
    _BatchNorm, so nn.SyncBatchNorm.convert_sync_batchnorm converts it for multi-GPU runs."""

    def _check_input_dim(self, input):
        if input.dim() not in (2, 4):
            raise ValueError(f"expected a 2-D or 4-D input, got {input.dim()}-D")


class Pool2d(nn.Module):
    """Max or average pooling of size×size windows at a stride, no padding: x -> y[B, C, Ho, Wo]."""

    def __init__(self, kind: str, shape, size: int, stride: int):
        super().__init__()
        self.kind, self.shape, self.size, self.stride = kind, shape, size, stride

    def forward(self, x):
        pool = F.max_pool2d if self.kind == "maxpool" else F.avg_pool2d
        return pool(as_image(x, self.shape), self.size, self.stride)

    def extra_repr(self):
        return f"{self.kind}, size={self.size}, stride={self.stride}"


class GlobalAvgPool(nn.Module):
    """x[B, C, H, W] -> y[B, C], the mean over positions."""

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return as_image(x, self.shape).mean((2, 3))


class Flatten(nn.Module):
    """x[B, C, H, W] -> y[B, C·H·W] in NCHW order, which is sobolnet's unit order."""

    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Residual(nn.Module):
    """y = body(x) + shortcut(x); an empty shortcut is the identity."""

    def __init__(self, body: nn.Sequential, shortcut: nn.Sequential):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x):
        b = self.body(x)
        s = self.shortcut(x)
        return b + s.reshape(b.shape)
