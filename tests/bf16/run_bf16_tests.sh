#!/usr/bin/env bash
# Runs the bf16 layer, network and trial tests (Catch tag [.bf16]) where oneDNN has native bf16, and reports them
# skipped (exit 77), with actbench's own reason naming the CPU's ISA, where it does not. The question is put to the
# real binary: `actbench validate` of a bf16 config refuses it exactly where a bf16 run would be refused.
set -euo pipefail
actbench=$1 tests=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/bf16.yaml" <<'YAML'
name: bf16_probe
dataset: {kind: synthetic_shapes, classes: 4, train_count: 64, test_count: 32, size: 16}
train: {precision: bf16}
YAML
if ! "$actbench" validate "$dir/bf16.yaml" > "$dir/out" 2>&1; then
    if grep -q "needs a CPU with bf16 instructions" "$dir/out"; then
        echo "skipped: $(cat "$dir/out")"
        exit 77
    fi
    cat "$dir/out"
    exit 1
fi
OMP_NUM_THREADS=1 exec "$tests" "[bf16]"
