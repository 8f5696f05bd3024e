#!/usr/bin/env bash
# Rebuilds every table and plot of docs/PERFORMANCE.md. Needs root (network namespaces, tc) and ~65 min
# on 2 cores. Results go to docs/performance/<name>/ (results.csv, summary.md, time-vs-executors.png);
# per-process logs stay under bench-out/ (git-ignored).
# Every process runs as a user's would: the ./swarmcast wrapper's JVM options ($SWARMCAST_JAVA_OPTS, default
# -XX:+UseParallelGC) plus a heap size, default configuration, no warm-up (the first broadcast of each fresh
# cluster is reported on its own). results.csv also holds the CPU of all processes per broadcast.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=docs/performance
mkdir -p "$out" bench-out

run() { # name, bench arguments...
  local name=$1; shift
  ./swarmcast bench "$@" --out "bench-out/$name"
  mkdir -p "$out/$name"
  cp "bench-out/$name"/{results.csv,summary.md} "$out/$name/"
  cp "bench-out/$name/processes.csv" "$out/$name/" 2>/dev/null || true
  cp "bench-out/$name/ceiling.csv" "$out/$name/" 2>/dev/null || true
  cp "bench-out/$name/time-vs-executors.png" "$out/$name/" 2>/dev/null || true
}

# 1. The emulated network: 100 Mbit/s per host both ways, fair-queued, 128 MiB incompressible.
run network --executors 1,2,4,8,16 --size 128m --rate 100mbit --factory torrent,direct --reps 3
# 1b. The comparison with Spark 3.5's TorrentBroadcast (issue 3's figures): 200 Mbit/s, 1-8 executors.
run network-200mbit --executors 1,2,4,8 --size 128m --rate 200mbit --factory torrent --reps 3
# 2. Software cost: 512 MiB to one executor over loopback, no shaping, against the plain TCP ceiling
#    of loopback measured first in the same run (ceiling.csv).
run loopback-512m --loopback --executors 1 --size 512m --factory torrent --reps 3
# 3. Small broadcasts: 1 KiB to 8 executors over loopback, 500 in a fresh cluster (rep 1 is its first;
#    the median shows the steady state).
run loopback-1k --loopback --executors 8 --size 1k --factory torrent --reps 500 --no-ceiling
# 3b. Where the link time goes at 8 executors: how long the driver's link sends, and how long after its
#     last byte each executor's last byte arrives (byte counters of every emulated host).
python3 bench/link-usage.py -- ./swarmcast bench --executors 8 --size 128m --rate 100mbit --reps 2 --factory torrent \
  --out bench-out/link-usage | grep -E '^(broadcast|  swcb)' > "$out/link-usage.txt"
# 3c. Inside Spark: sc.broadcast against SwarmcastSpark.broadcast in one application per executor count.
run spark --spark --executors 1,2,4,8 --size 128m --rate 100mbit --reps 3
# 4. The CPU-bound halves (JMH): cutting a value into pieces, and reading it back; and the driver's
#    fixed cost of a 1 KiB broadcast.
mvn -B -q -DskipTests -pl swarmcast-bench -am package
java -jar swarmcast-bench/target/swarmcast-benchmarks.jar PiecePathBenchmark -p codec=none,lz4 -p serializer=java,kryo \
  -wi 2 -i 3 -rf text -rff "$out/jmh.txt" | tail -n 20
java -jar swarmcast-bench/target/swarmcast-benchmarks.jar NewBroadcastBenchmark -rf text -rff "$out/jmh-new-broadcast.txt" | tail -n 4
