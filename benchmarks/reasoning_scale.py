"""Reasoning time as the closure grows: the rules (fast path) against owlrl, on two chains.

An owl:sameAs chain of n + 1 nodes (its closure is every ordered pair: n² sameAs triples) and a
chain of n edges of a transitive property (n²/2 triples). Each measurement runs in a subprocess of
its own, so owlrl can be stopped at the timeout; a stopped run prints "> timeout".

    python benchmarks/reasoning_scale.py
    python benchmarks/reasoning_scale.py --timeout 300 --only transitive
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

CASES = [
    ("sameAs", 40),
    ("sameAs", 80),
    ("sameAs", 160),
    ("transitive", 100),
    ("transitive", 200),
    ("transitive", 1000),
]
EX = "https://example.org/"
OWL = "http://www.w3.org/2002/07/owl#"


def chain(kind: str, n: int) -> str:
    """The Turtle of one chain of n links."""
    lines = [f"@prefix owl: <{OWL}> .", f"@prefix ex: <{EX}> ."]
    if kind == "transitive":
        lines.append("ex:next a owl:TransitiveProperty .")
    link = "owl:sameAs" if kind == "sameAs" else "ex:next"
    lines += [f"ex:n{i} {link} ex:n{i + 1} ." for i in range(n)]
    return "\n".join(lines) + "\n"


def measure(kind: str, n: int, reasoner: str) -> str:
    """Reason over one chain in a fresh store; "seconds inferred-triples" or why not."""
    import pyoxigraph as ox

    from clusterkg import build as building
    from clusterkg.engine import LocalStore
    from clusterkg.errors import ClusterKGError
    from clusterkg.vocabulary import ASSERTED, INFERRED

    store = LocalStore()
    asserted = ox.NamedNode(ASSERTED)
    store.load(chain(kind, n).encode(), format=ox.RdfFormat.TURTLE, to_graph=asserted)
    started = time.perf_counter()
    try:
        used = building.reason(store, "owlrl", reasoner)
    except ClusterKGError:
        return "refused (not on the rules path)"
    seconds = time.perf_counter() - started
    used_name = used if isinstance(used, str) else used[0]
    inferred = building.count(store, ox.NamedNode(INFERRED))
    return f"{seconds:8.2f} s  {inferred:>8} inferred  ({used_name})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120, help="seconds per run")
    parser.add_argument("--only", choices=["sameAs", "transitive"], help="one kind of chain")
    parser.add_argument(
        "--worker", nargs=3, metavar=("KIND", "N", "REASONER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        kind, n, reasoner = args.worker
        print(measure(kind, int(n), reasoner))
        return
    for kind, n in CASES:
        if args.only and kind != args.only:
            continue
        for reasoner in ("rules", "owlrl"):
            command = [sys.executable, __file__, "--worker", kind, str(n), reasoner]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=args.timeout, check=False
                )
                result = done.stdout.strip() or done.stderr.strip().splitlines()[-1]
            except subprocess.TimeoutExpired:
                result = f"> {args.timeout:.0f} s (stopped)"
            print(f"{kind:10} {n:5}  {reasoner:6} {result}", flush=True)


if __name__ == "__main__":
    main()
