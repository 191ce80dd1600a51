"""A learning-rate and epoch-budget study of exported sobolnet networks in PyTorch (one GPU or the
CPU), with the recipe chosen on the validation split and the test set read once per final run.

    python3 python/examples/recipe_study.py --exports DIR --data data.npz --variants dense,sobol-c4 \
        --lrs 0.003,0.01 --epochs 5,10 --out study/ [--workers 8]

DIR holds `<variant>-s<seed>.npz` (`sobolnet export --format torch` of scripts/init-model.ts's
untrained network for that seed); data.npz is scripts/export-data.ts's file (float32 or --pixels).
python/examples/fashion_study.sh prepares both for the Fashion-MNIST cnn study of docs/RESULTS.md.

sobolnet's recipe, as `sobolnet train` runs it (src/train): the last --validation training samples
held out, the rest shuffled every epoch by the seed, batches of --batch (the last one partial),
Adam (0.9, 0.999, 1e-8, no weight decay), the learning rate along a cosine from lr to 0 over every
step, fixed-sign weights clamped after each step, batch norm in training mode, the validation
accuracy after each epoch. Float32 throughout (TF32 off). The shuffle and the GPU's summation order
differ from sobolnet's, so runs are not bit-identical to `sobolnet train`'s; the reference phase
measures how close they come.

Phases (every run appends one JSON line to <out>/runs.jsonl; a rerun skips the runs found there):
  selection  every variant × lr × epochs on --selection-seeds; validation only, no test.
  final      per variant, the (lr, epochs) of the highest mean final validation accuracy (ties: fewer
             epochs, then the smaller lr) on --final-seeds; test accuracy once, at the end.
  reference  (with --reference) given lr per variant at --reference-epochs on --final-seeds, test
             at the end: the recipe of an earlier study, to compare with its sobolnet runs.
<out>/summary.md tabulates all three; --report-only rewrites it from runs.jsonl without running.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.multiprocessing as mp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sobolnet_torch as st  # noqa: E402


def floats(text):
    return [float(v) for v in text.split(",") if v]


def ints(text):
    return [int(v) for v in text.split(",") if v]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exports", required=True, help="folder of <variant>-s<seed>.npz exports of untrained networks")
    p.add_argument("--data", required=True, help="scripts/export-data.ts's file (float32 or --pixels)")
    p.add_argument("--variants", required=True, type=lambda t: [v for v in t.split(",") if v])
    p.add_argument("--lrs", required=True, type=floats, help="Adam learning rates of the selection grid")
    p.add_argument("--epochs", required=True, type=ints, help="epoch budgets of the selection grid")
    p.add_argument("--selection-seeds", type=ints, default=[1])
    p.add_argument("--final-seeds", type=ints, default=[2, 3, 4])
    p.add_argument("--reference", default="", help="variant=lr,... : an earlier study's rates, run at --reference-epochs")
    p.add_argument("--reference-epochs", type=int, default=5)
    p.add_argument("--validation", type=int, default=5000, help="the last N training samples, held out")
    p.add_argument("--train-limit", type=int, default=0, help="train on the first N of the rest only (0: all; smoke tests)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--workers", type=int, default=1, help="processes running runs side by side (they share the device)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--no-graphs", dest="graphs", action="store_false", help="on a GPU, run every step eagerly (no CUDA graph of the epoch)")
    p.add_argument("--out", required=True)
    p.add_argument("--report-only", action="store_true", help="write summary.md from <out>/runs.jsonl, running nothing")
    args = p.parse_args(argv)
    args.reference = {k: float(v) for k, v in (item.split("=") for item in args.reference.split(",") if item)}
    for v in [] if args.report_only else args.variants + list(args.reference):
        for seed in args.selection_seeds + args.final_seeds:
            path = export_path(args, v, seed)
            if not os.path.exists(path):
                p.error(f"no export {path} for variant {v}, seed {seed}")
    if args.validation < 1:
        p.error(f"--validation must be at least 1, got {args.validation}")
    return args


def export_path(args, variant, seed):
    return os.path.join(args.exports, f"{variant}-s{seed}.npz")


def run_key(run):
    return f"{run['phase']}/{run['variant']}/lr{run['lr']:g}/e{run['epochs']}/s{run['seed']}"


# ---- one run (in a worker process) ----

_DATA = {}


def _load(args):
    """The data on the device, once per process: train (all but the held-out tail), validation, test."""
    if not _DATA:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.benchmark = True   # the fastest algorithm per shape, chosen in the warm-up steps
        x, y, x_test, y_test = st.load_data(args.data)
        if args.validation >= x.shape[0]:
            raise SystemExit(f"--validation {args.validation} must be less than the {x.shape[0]} training samples")
        n = x.shape[0] - args.validation
        m = n if args.train_limit <= 0 else min(n, args.train_limit)
        dev = torch.device(args.device)
        _DATA.update(train=(x[:m].to(dev), y[:m].to(dev)), validation=(x[n:].to(dev), y[n:].to(dev)),
                     test=(x_test.to(dev), y_test.to(dev)))
    return _DATA


def accuracy(net, x, y):
    return st.count_correct(net, x, y) / x.shape[0]


class EpochRunner:
    """Trains `net` through epochs of (x, y): Adam, then the sign clamps, after every batch.

    On a GPU (`graphed`) the epoch's full batches are captured once as one CUDA graph: the sample
    indices of every batch and the learning rate of every step are read from two device buffers
    that each epoch fills before one replay, so the CPU launches one graph an epoch instead of some
    hundred kernels a step (the device this was written for gave its commands one CPU core). The
    partial last batch runs eagerly after the replay, as the last batch of the epoch. The capture's
    two warm-up steps are undone (weights, running statistics, Adam's state), so the graph trains
    exactly what the eager steps would. Shapes: x[N, ...], y[N], B the batch, S = N // B full
    batches an epoch."""

    def __init__(self, net, manifest, lr0, x, y, batch, graphed):
        self.net, self.manifest, self.x, self.y, self.batch = net, manifest, x, y, batch
        self.full = x.shape[0] // batch
        self.graphed = graphed and self.full > 0
        self.loss_fn = torch.nn.CrossEntropyLoss()
        groups = st.optimizer_groups(net, manifest, 0.0)
        if self.graphed:
            # a rate tensor on the device, which the captured steps read; each step copies its own
            # rate into every group's tensor (the groups need not share one)
            self.opt = torch.optim.Adam(groups, lr=torch.tensor(lr0, device=x.device), betas=(0.9, 0.999), eps=1e-8,
                                        capturable=True)
            self._capture(lr0)
        else:
            self.opt = torch.optim.Adam(groups, lr=lr0, betas=(0.9, 0.999), eps=1e-8)

    def _set_rate(self, lr):
        """lr: a float, or (graphed) a 0-d device tensor copied on the device."""
        for g in self.opt.param_groups:
            if not self.graphed:
                g["lr"] = lr
            elif torch.is_tensor(lr):
                g["lr"].copy_(lr)
            else:
                g["lr"].fill_(lr)

    def _step(self, idx, lr):
        self._set_rate(lr)
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.net(self.x[idx]), self.y[idx])
        loss.backward()
        self.opt.step()
        st.apply_sign_constraints(self.net, self.manifest)
        return loss

    def _capture(self, lr0):
        dev, B, S = self.x.device, self.batch, self.full
        self.order = torch.arange(S * B, device=dev)            # the epoch's full batches' samples
        self.rates = torch.full((S,), lr0, device=dev)           # and its steps' rates
        before = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(2):
                self._step(self.order[:B], self.rates[0])
        torch.cuda.current_stream().wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        self.opt.zero_grad(set_to_none=True)
        with torch.cuda.graph(self.graph):
            for s in range(S):
                self.loss = self._step(self.order[s * B:(s + 1) * B], self.rates[s])
        with torch.no_grad():
            for k, v in self.net.state_dict().items():
                v.copy_(before[k])
            for state in self.opt.state.values():
                for t in state.values():
                    if torch.is_tensor(t):
                        t.zero_()

    def epoch(self, perm, rates):
        """One epoch over the samples in the order perm[N] (on x's device) with the step rates
        rates[ceil(N / B)] (floats); returns the last step's loss tensor (not synchronised)."""
        B, S = self.batch, self.full
        first = 0
        if self.graphed:
            self.order.copy_(perm[:S * B])
            self.rates.copy_(torch.tensor(rates[:S], dtype=torch.float32), non_blocking=False)
            self.graph.replay()
            loss, first = self.loss, S
        for b in range(first, len(rates)):
            loss = self._step(perm[b * B:(b + 1) * B], rates[b])
        return loss


def train_one(job):
    """Trains one run; returns its record (validation by epoch; test only when job['test'])."""
    args, run = job
    data = _load(args)
    torch.manual_seed(run["seed"])
    net, manifest = st.load_export(export_path(args, run["variant"], run["seed"]), torch.device(args.device))
    net.train()
    x, y = data["train"]
    N, B = x.shape[0], args.batch
    try:
        runner = EpochRunner(net, manifest, run["lr"], x, y, B, graphed=x.is_cuda and args.graphs)
    except RuntimeError as e:  # a capture that fails: eager steps, on a fresh copy of the network
        print(f"{run_key(run)}: CUDA graph capture failed ({e}); running eagerly", flush=True)
        net, manifest = st.load_export(export_path(args, run["variant"], run["seed"]), torch.device(args.device))
        net.train()
        runner = EpochRunner(net, manifest, run["lr"], x, y, B, graphed=False)
    batches = math.ceil(N / B)
    total = batches * run["epochs"]
    order = torch.Generator().manual_seed(run["seed"])
    by_epoch, seconds, step = [], [], 0
    for _ in range(run["epochs"]):
        t0 = time.time()
        perm = torch.randperm(N, generator=order).to(x.device)
        rates = [run["lr"] * 0.5 * (1 + math.cos(math.pi * (s / (total - 1) if total > 1 else 0)))
                 for s in range(step, step + batches)]
        loss = runner.epoch(perm, rates)
        step += batches
        if not torch.isfinite(loss):
            return {**run, "diverged": True, "validationByEpoch": by_epoch}
        by_epoch.append(accuracy(net, *data["validation"]))
        if x.is_cuda:
            torch.cuda.synchronize()
        seconds.append(time.time() - t0)
    record = {**run, "validationAccuracy": by_epoch[-1], "validationByEpoch": by_epoch,
              "secondsPerEpoch": statistics.median(seconds), "trainSamples": N, "device": args.device,
              "graphed": "epoch" if runner.graphed else False}
    if run["test"]:
        record["testAccuracy"] = accuracy(net, *data["test"])
    return record


# ---- the study (main process) ----

def run_all(args, runs, done, path):
    todo = [r for r in runs if run_key(r) not in done]
    todo.sort(key=lambda r: -r["epochs"])       # longest first: the pool drains evenly
    if not todo:
        return
    print(f"{len(todo)} runs ({sum(r['epochs'] for r in todo)} epochs) on {args.device}, {args.workers} at a time", flush=True)
    jobs = [(args, r) for r in todo]
    if args.workers <= 1:
        for rec in map(train_one, jobs):
            record(rec, done, path)
        return
    with mp.get_context("spawn").Pool(min(args.workers, len(jobs))) as pool:
        for rec in pool.imap_unordered(train_one, jobs):
            record(rec, done, path)


def record(rec, done, path):
    """Keeps a finished run: in `done`, as a line of runs.jsonl, and on the console."""
    done[run_key(rec)] = rec
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")
    test = f", test {100 * rec['testAccuracy']:.2f} %" if "testAccuracy" in rec else ""
    val = "diverged" if rec.get("diverged") else f"validation {100 * rec['validationAccuracy']:.2f} %"
    print(f"{run_key(rec)}: {val}{test}, {rec.get('secondsPerEpoch', 0):.2f} s/epoch", flush=True)


def mean_val(done, variant, lr, epochs, seeds):
    """Mean final validation accuracy of a grid point over `seeds`; -1 if a run diverged, None if one has not run."""
    recs = [done.get(run_key({"phase": "selection", "variant": variant, "lr": lr, "epochs": epochs, "seed": s})) for s in seeds]
    if any(r is None for r in recs):
        return None
    vals = [-1.0 if r.get("diverged") else r["validationAccuracy"] for r in recs]
    return sum(vals) / len(vals)


def choose(args, done, variant):
    """The (lr, epochs) of the best mean validation accuracy over the selection seeds; None while
    a grid point has not run."""
    grid = [(lr, e) for e in sorted(args.epochs) for lr in sorted(args.lrs)]
    means = {g: mean_val(done, variant, g[0], g[1], args.selection_seeds) for g in grid}
    if any(m is None for m in means.values()):
        return None
    return max(grid, key=lambda g: (means[g], -g[1], -g[0]))


def pct(values):
    if not values:
        return "–"
    m = 100 * statistics.mean(values)
    return f"{m:.2f} ± {100 * statistics.stdev(values):.2f}" if len(values) > 1 else f"{m:.2f}"


def summary(args, done, chosen):
    lines = [f"# Recipe study ({args.device})", "",
             f"Training samples {next(iter(done.values()))['trainSamples']}, validation {args.validation}, batch {args.batch}; "
             f"selection seeds {args.selection_seeds}, final seeds {args.final_seeds}.", "",
             "## Selection: final validation accuracy (%), mean over the selection seeds", ""]
    for v in args.variants:
        lines += [f"### {v}", "", "| lr | " + " | ".join(f"{e} epochs" for e in sorted(args.epochs)) + " |",
                  "| --- |" + " --- |" * len(args.epochs)]
        for lr in sorted(args.lrs):
            cells = []
            for e in sorted(args.epochs):
                m = mean_val(done, v, lr, e, args.selection_seeds)
                cell = "not run" if m is None else "diverged" if m < 0 else f"{100 * m:.2f}"
                cells.append(f"**{cell}**" if (lr, e) == chosen[v] else cell)
            lines.append(f"| {lr:g} | " + " | ".join(cells) + " |")
        lines.append("")

    def table(phase, rate_of, epochs_of, title):
        out = [f"## {title}", "", "| variant | lr | epochs | validation % | test % | s/epoch | test by seed |",
               "| --- | --- | --- | --- | --- | --- | --- |"]
        for v in rate_of:
            recs = [done.get(run_key({"phase": phase, "variant": v, "lr": rate_of[v], "epochs": epochs_of(v), "seed": s}))
                    for s in args.final_seeds]
            recs = [r for r in recs if r and not r.get("diverged")]
            out.append(f"| {v} | {rate_of[v]:g} | {epochs_of(v)} | {pct([r['validationAccuracy'] for r in recs])} | "
                       f"{pct([r['testAccuracy'] for r in recs])} | "
                       f"{statistics.median([r['secondsPerEpoch'] for r in recs]):.2f} | " if recs else f"| {v} | – | – | – | – | – | ")
            out[-1] += ", ".join(f"{100 * r['testAccuracy']:.2f}" for r in recs) + " |"
        return out + [""]

    complete = [v for v in args.variants if chosen[v] is not None]
    if len(complete) < len(args.variants):
        lines += [f"Selection incomplete for {', '.join(v for v in args.variants if chosen[v] is None)}: no recipe chosen, no final runs.", ""]
    if complete:
        lines += table("final", {v: chosen[v][0] for v in complete}, lambda v: chosen[v][1],
                       "Final: the chosen recipe on the final seeds (mean ± sd)")
    if args.reference:
        lines += table("reference", args.reference, lambda v: args.reference_epochs,
                       f"Reference: the given rates at {args.reference_epochs} epochs on the final seeds")
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "runs.jsonl")
    done = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                done[run_key(rec)] = rec
    started = time.time()
    base = {"test": False}
    selection = [{**base, "phase": "selection", "variant": v, "lr": lr, "epochs": e, "seed": s}
                 for v in args.variants for lr in args.lrs for e in args.epochs for s in args.selection_seeds]
    reference = [{"phase": "reference", "variant": v, "lr": lr, "epochs": args.reference_epochs, "seed": s, "test": True}
                 for v, lr in args.reference.items() for s in args.final_seeds]
    if not args.report_only:
        run_all(args, selection + reference, done, path)
    chosen = {v: choose(args, done, v) for v in args.variants}
    for v, c in chosen.items():
        print(f"chosen on validation: {v}: " + ("none yet" if c is None else f"lr {c[0]:g}, {c[1]} epochs"), flush=True)
    final = [{"phase": "final", "variant": v, "lr": c[0], "epochs": c[1], "seed": s, "test": True}
             for v, c in chosen.items() if c is not None for s in args.final_seeds]
    if not args.report_only:
        run_all(args, final, done, path)
    text = summary(args, done, chosen)
    tmp = os.path.join(args.out, "summary.md.tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, os.path.join(args.out, "summary.md"))
    print(text, flush=True)
    print(f"study done in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
