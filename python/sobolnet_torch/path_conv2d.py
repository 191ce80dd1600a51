"""A path-sparse 2-D convolution over a sobolnet topology layer: units are channels and an edge
is a k×k kernel,

    y[b, t] = bias[t] + sum over edges e of target t of conv2d(x[b, sources[e]], weight[e])

with zero padding and stride as nn.Conv2d (cross-correlation, floor output size). ``weight`` is
sobolnet's W[E][k][k] in gather order. Shape legend: B batch, Ci/Co channels, H×W input,
Ho×Wo output, E edges, K fan-in, k kernel.
"""
import torch
import torch.nn.functional as F
from torch import nn

from .topology import SparseTopology


class PathConv2d(nn.Module):
    """x[B, Ci, H, W] -> y[B, Co, Ho, Wo]: a channel gather, then a grouped convolution.

    Constant fan-in K: the gathered channels [B, E, H, W] are already grouped by target, so one
    convolution with groups=Co sums each target's K edges inside the convolution. Variable fan-in:
    a depthwise convolution (groups=E) gives every edge's output and index_add_ sums them per
    target, exact for any fan-in.
    """

    def __init__(self, sources, target_offsets, in_channels: int, out_channels: int, kernel: int,
                 stride: int = 1, padding: int = 0, bias: bool = True):
        super().__init__()
        self.topology = SparseTopology(sources, target_offsets, in_channels, out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.register_buffer("sources", self.topology.sources, persistent=False)
        self.register_buffer("targets", self.topology.targets, persistent=False)
        self.weight = nn.Parameter(torch.empty(self.topology.edges, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        fan_in = max(1, self.topology.edges // max(1, out_channels)) * kernel * kernel
        nn.init.normal_(self.weight, std=(2.0 / fan_in) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x[B, Ci, H, W] -> xg[B, E, H, W] -> y[B, Co, Ho, Wo]
        xg = x.index_select(1, self.sources)
        E, k, K = self.topology.edges, self.kernel, self.topology.fan_in
        if K is not None:
            return F.conv2d(xg, self.weight.view(self.out_channels, K, k, k), self.bias,
                            stride=self.stride, padding=self.padding, groups=self.out_channels)
        per_edge = F.conv2d(xg, self.weight.view(E, 1, k, k), None, stride=self.stride, padding=self.padding, groups=E)
        B, _, Ho, Wo = per_edge.shape
        y = per_edge.new_zeros(B, self.out_channels, Ho, Wo).index_add_(1, self.targets, per_edge)
        return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)

    def extra_repr(self) -> str:
        K = self.topology.fan_in
        return f"{self.in_channels}, {self.out_channels}, kernel={self.kernel}, stride={self.stride}, " \
               f"padding={self.padding}, edges={self.topology.edges}, fan_in={'variable' if K is None else K}, " \
               f"bias={self.bias is not None}"
