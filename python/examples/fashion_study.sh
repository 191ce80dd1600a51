#!/usr/bin/env bash
# Prepares the Fashion-MNIST cnn recipe study (docs/RESULTS.md, issue #10) for recipe_study.py:
# the untrained networks of every variant and seed (scripts/init-model.ts, the recipe fields of
# experiments/fashion-cnn-full*.json) exported for PyTorch, and the data as pixel bytes.
#
#   bash python/examples/fashion_study.sh <out dir> [<fashion-mnist dir>]
#   python3 python/examples/recipe_study.py --exports <out dir> --data <out dir>/data.npz \
#       --variants dense,sobol-c4,sobol-c8,walk-c4,walk-c8 --lrs 0.001,0.002,0.003,0.005,0.01,0.02 --epochs 5,10,20 \
#       --reference dense=0.003,sobol-c4=0.01,sobol-c8=0.01,walk-c4=0.01,walk-c8=0.01 --out <study dir>
set -euo pipefail
out=${1:?usage: fashion_study.sh <out dir> [<fashion-mnist dir>]}
data=${2:-/usr/share/datasets/fashion-mnist}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
declare -A variants=(
  [dense]='"source":"dense"'
  [sobol-c4]='"source":"sobol","density":0.25'
  [sobol-c8]='"source":"sobol","density":0.125'
  [walk-c4]='"source":"random-walk","density":0.25'
  [walk-c8]='"source":"random-walk","density":0.125'
)
for v in "${!variants[@]}"; do
  for seed in 1 2 3 4; do
    recipe="{\"dataset\":\"fashion-mnist\",\"arch\":\"cnn\",${variants[$v]},\"validation\":5000,\"seed\":$seed}"
    node --import tsx "$root/scripts/init-model.ts" "$recipe" --out "$out/$v-s$seed.sobolnet" --data "$data" >/dev/null
    node "$root/dist/cli/main.js" export "$out/$v-s$seed.sobolnet" --format torch --out "$out/$v-s$seed.npz" >/dev/null
  done
done
node --import tsx "$root/scripts/export-data.ts" "$out/dense-s1.sobolnet" --pixels --data "$data" --out "$out/data.npz"
ls -la "$out"
