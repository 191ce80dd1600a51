"""Counting correct predictions as `sobolnet eval` does."""
import torch


@torch.no_grad()
def count_correct(module, x: torch.Tensor, y: torch.Tensor, batch: int = 1000) -> int:
    """Samples of x[N, ...] whose largest logit is their label y[N] (ties go to the lower class, as
    in sobolnet), in evaluation mode (batch-norm running statistics), `batch` samples at a time on
    the module's device. The module's training mode is restored afterwards."""
    device = next(module.parameters()).device
    training = module.training
    module.eval()
    correct = 0
    for start in range(0, x.shape[0], batch):
        logits = module(x[start:start + batch].to(device))
        correct += int((logits.argmax(1) == y[start:start + batch].to(device)).sum())
    module.train(training)
    return correct
