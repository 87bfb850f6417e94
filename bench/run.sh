#!/usr/bin/env bash
# make bench: the standard order-mapping workload end to end.
#
#   1. throughput: N orders from a JSON-lines file through the bench pipeline
#      (file source -> durable JetStream stream -> CEL mapping -> file sink),
#      RUNS times; prints each run and the median orders/s and peak RSS.
#   2. correctness: the output equals the hand-written floor's (jsonlcmp).
#   3. backlog memory: BACKLOG orders published while the sink cannot
#      drain (stdout into a pipe nobody reads); prints the resident memory
#      with the whole backlog waiting in the stream.
#
# Figures depend on the machine; compare medians from the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
RUNS=${RUNS:-5}
BACKLOG=${BACKLOG:-100000}
OUT=bench/out
BIN=bin
mkdir -p "$OUT" "$BIN"

go build -o "$BIN/pipewright" ./cmd/pipewright
go build -o "$BIN/bench-gen" ./bench/gen
go build -o "$BIN/bench-floor" ./bench/floor
go build -o "$BIN/bench-jsonlcmp" ./bench/jsonlcmp

INPUT="$OUT/orders-$N.jsonl"
[ -s "$INPUT" ] || "$BIN/bench-gen" -n "$N" -seed 20260101 -out "$INPUT"
[ -s "$OUT/floor-$N.jsonl" ] || "$BIN/bench-floor" -workers 2 -in "$INPUT" -out "$OUT/floor-$N.jsonl" 2>/dev/null

metric() { # metric NAME PORT: value of a metric (summed over series), 0 if absent
  curl -s "http://127.0.0.1:$2/metrics" | awk -v n="$1" '$1 ~ "^"n"({|$)" {s += $2} END {printf "%d", s}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_once() { # run_once I: prints "orders_per_s peak_rss_mb"
  local i=$1 port=$((18100 + $1)) data="$OUT/data-$1"
  rm -rf "$data"
  local start end pid
  start=$(date +%s.%N)
  PIPEWRIGHT_DATA="$data" PIPEWRIGHT_LISTEN="127.0.0.1:$port" BENCH_INPUT="$(pwd)/$INPUT" \
    "$BIN/pipewright" run -log-level warn bench/pipeline 2>"$OUT/run-$i.log" &
  pid=$!
  until [ "$(metric pipewright_messages_out_total $port 2>/dev/null || echo 0)" -ge "$N" ]; do
    kill -0 $pid 2>/dev/null || { echo "engine exited; see $OUT/run-$i.log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  local rss
  rss=$(awk '/VmHWM/ {printf "%d", $2/1024}' /proc/$pid/status)
  kill -TERM $pid; wait $pid || true
  awk -v n="$N" -v s="$start" -v e="$end" -v r="$rss" 'BEGIN {printf "%d %s\n", n / (e - s), r}'
}

echo "== throughput: $N orders, $RUNS runs (file -> JetStream -> CEL map -> file)"
results=()
for i in $(seq 1 "$RUNS"); do
  r=$(run_once "$i")
  echo "run $i: ${r% *} orders/s, peak RSS ${r#* } MB"
  results+=("$r")
done
printf '%s\n' "${results[@]}" | awk '{print $1}' | median | xargs -I{} echo "median: {} orders/s"
printf '%s\n' "${results[@]}" | awk '{print $2}' | median | xargs -I{} echo "median peak RSS: {} MB"

echo "== correctness: output of run 1 against the hand-written floor"
"$BIN/bench-jsonlcmp" -key CustPONo "$OUT/floor-$N.jsonl" "$OUT/data-1/out.jsonl" && echo "same documents"

echo "== memory with $BACKLOG orders waiting in the stream"
data="$OUT/data-backlog"; rm -rf "$data"; port=18199
head -n "$BACKLOG" "$INPUT" > "$OUT/orders-backlog.jsonl"
fifo="$OUT/stuck.fifo"; rm -f "$fifo"; mkfifo "$fifo"
sleep 3600 < "$fifo" & holder=$!
PIPEWRIGHT_DATA="$data" PIPEWRIGHT_LISTEN="127.0.0.1:$port" BENCH_INPUT="$(pwd)/$OUT/orders-backlog.jsonl" \
  "$BIN/pipewright" run -log-level warn bench/backlog > "$fifo" 2>"$OUT/run-backlog.log" &
pid=$!
until [ "$(metric pipewright_messages_in_total $port 2>/dev/null || echo 0)" -ge "$BACKLOG" ]; do
  kill -0 $pid 2>/dev/null || { kill $holder 2>/dev/null; rm -f "$fifo"; echo "engine exited; see $OUT/run-backlog.log" >&2; exit 1; }
  sleep 0.2
done
sleep 2
echo "published $(metric pipewright_messages_in_total $port), delivered $(metric pipewright_messages_out_total $port), waiting in the stream $(metric pipewright_stream_backlog $port)"
awk '/VmRSS/ {printf "resident memory: %d MB\n", $2/1024} /VmHWM/ {printf "peak resident memory: %d MB\n", $2/1024}' /proc/$pid/status
kill -KILL $pid $holder 2>/dev/null || true
wait $pid $holder 2>/dev/null || true # reaped quietly
rm -f "$fifo"
