#!/usr/bin/env python3
"""Where an emulated cluster's link time goes: runs a command (normally `./swarmcast bench ...`) while
sampling the byte counters of every host's eth0 in the bench's network namespaces, then prints, per
broadcast, how long the driver's link was sending and how long each executor's link was receiving.

    python3 bench/link-usage.py -- ./swarmcast bench --executors 8 --size 128m --rate 100mbit \
        --reps 2 --factory torrent --out /tmp/n8

Counters come from /proc/net/dev inside each namespace whose name starts with the bench's prefix
(`swcb`), every ~50 ms plus the time `ip netns exec` takes (about 0.1 s for ten namespaces), so window
edges are known to about that. A burst is a run of samples in which the counter grew by more than
20 kB. Needs root, like the bench. Reads only; the namespaces are the bench's own and it removes them.
"""
import collections
import subprocess
import sys
import threading
import time

PREFIX = "swcb"


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(PREFIX)]


def sample(series, stop):
    while not stop.is_set():
        for ns in namespaces():
            now = time.time()
            try:
                text = subprocess.run(["ip", "netns", "exec", ns, "cat", "/proc/net/dev"], capture_output=True,
                                      text=True, timeout=5).stdout
            except subprocess.TimeoutExpired:
                continue
            for line in text.splitlines()[2:]:
                fields = line.split()
                if fields and fields[0] == "eth0:":
                    series[ns].append((now, int(fields[1]), int(fields[9])))
        time.sleep(0.05)


def bursts(points, column):
    found, current = [], None
    for a, b in zip(points, points[1:]):
        if b[column] - a[column] > 20_000:
            current = [a, b] if current is None else [current[0], b]
        elif current is not None:
            found.append(current)
            current = None
    if current is not None:
        found.append(current)
    return [(a[0], b[0], b[column] - a[column]) for a, b in found if b[column] - a[column] > 1_000_000]


def main():
    if "--" not in sys.argv:
        sys.exit("usage: link-usage.py -- COMMAND ...")
    command = sys.argv[sys.argv.index("--") + 1:]
    series = collections.defaultdict(list)
    stop = threading.Event()
    sampler = threading.Thread(target=sample, args=(series, stop), daemon=True)
    sampler.start()
    status = subprocess.run(command).returncode
    stop.set()
    sampler.join()
    driver = [ns for ns in series if ns.endswith("-d")]
    if not driver:
        sys.exit("no driver namespace was seen (is this a netns bench, run as root?)")
    sends = bursts(series[driver[0]], 2)
    for i, (start, end, sent) in enumerate(sends, 1):
        print(f"broadcast {i}: driver sent {sent / 1e6:.1f} MB in {end - start:.2f} s "
              f"({sent * 8 / (end - start) / 1e6:.1f} Mbit/s)")
        for ns in sorted(n for n in series if n.rsplit("-", 1)[-1].startswith("e")):
            for r_start, r_end, got in bursts(series[ns], 1):
                if r_end > start and r_start < end + 5:
                    print(f"  {ns}: received {got / 1e6:.1f} MB in {r_end - r_start:.2f} s, "
                          f"last byte {r_end - end:+.2f} s after the driver's")
                    break
    sys.exit(status)


if __name__ == "__main__":
    main()
