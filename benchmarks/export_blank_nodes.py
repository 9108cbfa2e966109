"""Benchmark: exporting graphs whose blank nodes are long lists and deep nestings.

    python benchmarks/export_blank_nodes.py                 # the issue's two cases
    python benchmarks/export_blank_nodes.py --scale 4       # 4 times as big: 4 times the time?

The two cases of the issue: a list of 4,000 items, `ex:s ex:p ( 1 1 … )` (cells told
apart only by their distance to the end), and a 45 KB nesting 5,000 deep,
`ex:s ex:p [ ex:p [ … ] ]`; plus a list ending in a cycle (the general refinement's case).
Before the fix, canonical labelling alone took 16.7 s and 53 s for the first two. Prints, per
case, the seconds of the labelling and of a whole serialisation in Turtle and in JSON-LD.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import pyoxigraph as ox

from clusterkg.output.blank_labels import canonical_blank_nodes
from clusterkg.output.serialise import Quad, serialise

PREFIX = "@prefix ex: <http://example.org/> .\n"


def same_items_list(n: int) -> str:
    return PREFIX + "ex:s ex:p ( " + "1 " * n + ") .\n"


def nesting(depth: int) -> str:
    return PREFIX + "ex:s ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " .\n"


def list_into_a_cycle(n: int) -> str:
    chain = "".join(f"_:c{i} ex:p _:c{i + 1} .\n" for i in range(n))
    return PREFIX + f"ex:s ex:p _:c0 .\n{chain}_:c{n} ex:q _:loop .\n_:loop ex:q _:c{n} .\n"


CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "list of 4,000 equal items": (same_items_list, 4000),
    "nesting 5,000 deep": (nesting, 5000),
    "chain of 4,000 into a cycle": (list_into_a_cycle, 4000),
}


def seconds(work: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    work(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=int, default=1, help="Multiply every size by this.")
    scale = parser.parse_args().scale
    print(f"{'case':<34} {'KB':>6} {'labels s':>9} {'ttl s':>7} {'jsonld s':>9}")
    for name, (make, size) in CASES.items():
        text = make(size * scale)
        quads: list[Quad] = [
            (t.subject, t.predicate, t.object, None)  # type: ignore[misc]
            for t in ox.parse(text, format=ox.RdfFormat.TURTLE)
        ]
        labels = seconds(canonical_blank_nodes, quads)
        turtle = seconds(serialise, quads, "ttl")
        jsonld = seconds(serialise, quads, "jsonld")
        label = name if scale == 1 else f"{name}, times {scale}"
        print(f"{label:<34} {len(text) / 1000:>6.0f} {labels:>9.2f} {turtle:>7.2f} {jsonld:>9.2f}")


if __name__ == "__main__":
    main()
