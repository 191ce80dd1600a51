"""Trains an exported sobolnet network with DistributedDataParallel: the worked example of
docs/scaling-out.md.

    torchrun --nproc_per_node N python/examples/train_ddp.py --export m.npz --data data.npz \
        --epochs 1 --out trained.npz

m.npz: `sobolnet export m.sobolnet --format torch --out m.npz`; data.npz: x_train, y_train,
x_test, y_test (scripts/export-data.ts writes them with sobolnet's own pre-processing, as float32
or, with --pixels, as bytes and the table that maps them). The
backend is nccl when CUDA is there (one GPU per process, by LOCAL_RANK), gloo on CPU. The
training set is split between the processes by a DistributedSampler with a fixed seed; each
step averages the gradients over all processes (DDP's all-reduce), takes an SGD step with
sobolnet's weight-decay flags and clamps fixed-sign weights as sobolnet's optimiser does. So every
replica holds the same weights after every step. Batch-norm running statistics are per process
in DDP (it broadcasts rank 0's before each forward), so rank 0's are broadcast once more at the
end. Rank 0 then measures test accuracy and writes --out; `sobolnet import --into` reads it.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sobolnet_torch as st  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--export", required=True, help="the .npz of `sobolnet export --format torch`")
    p.add_argument("--data", required=True, help="x_train, y_train, x_test, y_test (scripts/export-data.ts, with or without --pixels)")
    p.add_argument("--out", required=True, help="trained weights, for `sobolnet import --into`")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=128, help="global batch (split between the processes)")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1, help="the sampler's shuffle seed")
    p.add_argument("--replica-dir", help="every rank writes its final weights here as rank<r>.npz (to compare replicas)")
    return p.parse_args()


def main():
    args = parse_args()
    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}") if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if args.batch % world != 0:
        raise SystemExit(f"--batch {args.batch} must be a multiple of the {world} processes")

    net, manifest = st.load_export(args.export, device)
    x_train, y_train, x_test, y_test = st.load_data(args.data)
    train = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True, seed=args.seed, drop_last=True)
    loader = DataLoader(train, batch_size=args.batch // world, sampler=sampler, drop_last=True)
    model = DistributedDataParallel(net, device_ids=[device.index] if cuda else None)
    optimizer = torch.optim.SGD(st.optimizer_groups(net, manifest, args.weight_decay), lr=args.lr, momentum=args.momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    if rank == 0:
        print(f"ddp: {world} processes, backend {dist.get_backend()}, device {device.type}; {len(train)} training samples, "
              f"batch {args.batch} ({args.batch // world} per process), {len(loader)} steps per epoch", flush=True)

    started = time.time()
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        model.train()
        total, count = torch.zeros(2, device=device), 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            st.apply_sign_constraints(net, manifest)
            total += torch.stack([loss.detach() * y.shape[0], torch.tensor(float(y.shape[0]), device=device)])
            count += 1
        dist.all_reduce(total)
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}: mean training loss {float(total[0] / total[1]):.4f} over {int(total[1])} samples, "
                  f"{count} steps, {time.time() - started:.1f} s", flush=True)

    for b in net.buffers():  # running statistics: rank 0's everywhere
        dist.broadcast(b, 0)
    if args.replica_dir:
        st.save_export(net, manifest, os.path.join(args.replica_dir, f"rank{rank}.npz"))
    if rank == 0:
        correct = st.count_correct(net, x_test, y_test)
        print(f"test accuracy {100 * correct / x_test.shape[0]:.2f} % ({correct}/{x_test.shape[0]})", flush=True)
        st.save_export(net, manifest, args.out)
        print("result " + json.dumps({"correct": correct, "count": int(x_test.shape[0])}), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
