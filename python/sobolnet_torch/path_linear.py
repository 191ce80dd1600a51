"""A path-sparse linear layer over a sobolnet topology layer (CSR by target).

    y[b, t] = bias[t] + sum over edges e of target t of weight[e] * x[b, sources[e]]

Edges of target t are targetOffsets[t] .. targetOffsets[t+1]-1 (gather order), exactly as
sobolnet stores them, so ``weight`` is sobolnet's W[E] as it is. The topology is read from the
export; nothing here generates it.

Shape legend: B batch, I inputs, O outputs, E edges, K fan-in.
"""
import torch
from torch import nn

from .topology import SparseTopology


class PathLinear(nn.Module):
    """x[B, I] -> y[B, O]: gather by sources, multiply, sum per target.

    With a constant fan-in K (every Sobol' layer whose widths divide) the sum per target is a
    reshape to [B, O, K] and a sum over K; otherwise (random walks, merged duplicates, widths that
    do not divide) an index_add_ over the target of each edge, which is exact for any fan-in.
    """

    def __init__(self, sources, target_offsets, in_features: int, out_features: int, bias: bool = True):
        super().__init__()
        self.topology = SparseTopology(sources, target_offsets, in_features, out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.register_buffer("sources", self.topology.sources, persistent=False)
        self.register_buffer("targets", self.topology.targets, persistent=False)
        self.weight = nn.Parameter(torch.empty(self.topology.edges))
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None
        nn.init.normal_(self.weight, std=(2.0 / max(1, self.topology.edges // max(1, out_features))) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x[B, I] -> xg[B, E] -> y[B, O]
        B = x.shape[0]
        products = x.reshape(B, self.in_features).index_select(1, self.sources) * self.weight
        K = self.topology.fan_in
        if K is not None:
            y = products.view(B, self.out_features, K).sum(2)
        else:
            y = products.new_zeros(B, self.out_features).index_add_(1, self.targets, products)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        K = self.topology.fan_in
        return f"in_features={self.in_features}, out_features={self.out_features}, edges={self.topology.edges}, " \
               f"fan_in={'variable' if K is None else K}, bias={self.bias is not None}"
