#!/usr/bin/env python3
"""Picks the committed corpus from a libFuzzer merge control file: the seeds (the merge's initial
corpus), then greedily the input that covers the most edges not yet covered, until every edge is
covered or the caps are reached. libFuzzer's own merge keeps every input that adds an edge in the
order it meets them (smallest first), which leaves many that later ones make redundant.

usage: select_corpus.py CONTROL_FILE OUT_DIR [MAX_FILES] [MAX_BYTES]
"""
import os
import shutil
import sys


def main():
    control, out = sys.argv[1], sys.argv[2]
    max_files = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    max_bytes = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    with open(control) as f:
        lines = f.read().splitlines()
    total, initial = int(lines[0]), int(lines[1])
    paths = lines[2 : 2 + total]
    cov = {}
    for line in lines[2 + total :]:
        parts = line.split()
        if parts and parts[0] == "COV":
            cov[int(parts[1])] = set(parts[2:])
    everything = set().union(*cov.values()) if cov else set()
    chosen = list(range(initial))
    covered = set().union(*(cov.get(i, set()) for i in chosen)) if chosen else set()
    size = sum(os.path.getsize(paths[i]) for i in chosen)
    rest = {i: cov[i] for i in range(initial, total) if i in cov}
    while rest and len(chosen) < max_files:
        best = max(rest, key=lambda i: (len(rest[i] - covered), -os.path.getsize(paths[i])))
        gain = rest.pop(best) - covered
        if not gain:
            break
        if size + os.path.getsize(paths[best]) > max_bytes:
            continue
        chosen.append(best)
        covered |= gain
        size += os.path.getsize(paths[best])
    os.makedirs(out, exist_ok=True)
    for i in chosen:
        shutil.copy(paths[i], os.path.join(out, os.path.basename(paths[i])))
    print(
        f"selected {len(chosen)} files ({initial} seeds), {size} bytes, "
        f"covering {len(covered)} of {len(everything)} edges"
    )


if __name__ == "__main__":
    main()
