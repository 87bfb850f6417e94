#!/usr/bin/env bash
# make bench: the standard order-mapping workload end to end (see
# bench/README.md). Builds the engine and the bench tools, then runs
# bench/harness, which prints for every size the engine's and the
# hand-written floor's orders/s, CPU-seconds per 100k orders, peak RSS and
# their paired CPU ratio, checks the output against the floor's, compares
# replicated (R3) with single-node (R1) transport and kills the engine
# twice during a run to check that nothing is lost or repeated, and twice
# during a run with a keyless sink: nothing lost, and no more repeated
# than the records of the packs in flight.
#
#   SIZES=50000,200000,400000  input sizes (orders)
#   ROUNDS=3                   rounds per size (every program once a round, alternating)
#   BENCH_BASE=path            a second engine binary to pair with this tree's (before/after)
#   BENCH_ENGINE=path          measure this binary instead of building bin/pipewright
#   REPLICATED=50000           orders for R3 against R1 (0: skip)
#   CRASH=200000               orders for the kill -9 runs, keyed and keyless (0: skip)
#   PROFILE=dir                after each size, one more (unmeasured) run profiled: CPU and heap in dir
#   QUICK=1                    50,000 orders, 3 rounds, nothing else (about a minute)
#
# Figures depend on the machine: compare medians taken in one invocation.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${QUICK:-}" ]; then
  : "${SIZES:=50000}" "${REPLICATED:=0}" "${CRASH:=0}"
fi
mkdir -p bin
engine=${BENCH_ENGINE:-bin/pipewright}
[ -n "${BENCH_ENGINE:-}" ] || go build -o bin/pipewright ./cmd/pipewright
for tool in gen floor jsonlcmp harness natscluster; do
  go build -o "bin/bench-$tool" "./bench/$tool"
done

exec bin/bench-harness \
  -engine "$engine" -base "${BENCH_BASE:-}" \
  -sizes "${SIZES:-50000,200000,400000}" -rounds "${ROUNDS:-3}" \
  -replicated "${REPLICATED:-50000}" -crash "${CRASH:-200000}" -profile "${PROFILE:-}"
