#!/usr/bin/env bash
# The simulator against the emulated cluster (docs/scaling.md, "Checked against the emulated cluster"):
# runs the bench for every shape the simulator is checked on, then `swarmcast simulate --compare` on each.
# Needs root (network namespaces, tc) and about 20 min on 2 cores; run nothing else meanwhile.
# Results go to docs/scaling/validation/<name>/ (the bench's results.csv and summary.md, and validation.md).
# Every process runs with exactly the JVM options the ./swarmcast wrapper gives a user's driver and
# executor: --jvm-opt replaces the bench's default, which would add -Xms/-Xmx that a user does not pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/scaling/validation
mkdir -p "$out" bench-out

run() { # name, bench arguments...
  local name=$1; shift
  ./swarmcast bench "$@" --factory torrent --reps 3 --jvm-opt=-XX:+UseParallelGC --jvm-opt=-XX:TieredStopAtLevel=1 \
    --out "bench-out/validation-$name"
  mkdir -p "$out/$name"
  cp "bench-out/validation-$name"/{results.csv,summary.md} "$out/$name/"
  ./swarmcast simulate --compare "$out/$name/results.csv" --out "$out/$name"
}

run 100mbit --executors 1,2,4,8,16 --size 128m --rate 100mbit
run 200mbit --executors 2,4,8,16 --size 128m --rate 200mbit
run 32-50mbit --executors 32 --size 128m --rate 50mbit
