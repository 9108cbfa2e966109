"""Benchmark: how long clusterkg takes to report an ill-typed literal beside a huge one.

    python benchmarks/error_path.py              # a 10 MB literal; JSON-LD at 17 MB
    python benchmarks/error_path.py --mb 50      # bigger

Each case is a file with one big string literal and one `"2017-13-45"^^xsd:date`, loaded by
`clusterkg --no-cache --data FILE export` in a real process; prints the seconds and the error
line (which must name the file and the line of the date). Turtle and N-Triples are located by the
scan (fidelity.py); JSON-LD past Oxigraph's 16 MB buffer is beyond the scan, and was explained by
re-reading the file with rdflib before the build's check located the literal by text search.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

XSD = "http://www.w3.org/2001/XMLSchema#"


def turtle(folder: Path, size: int) -> Path:
    path = folder / "big.ttl"
    path.write_text(
        f"@prefix xsd: <{XSD}> .\n@prefix ex: <https://example.org/> .\n"
        f'ex:a ex:text "{"x" * size}" .\nex:a ex:founded "2017-13-45"^^xsd:date .\n',
        encoding="utf-8",
    )
    return path


def json_ld(folder: Path, size: int) -> Path:
    path = folder / "big.jsonld"
    document = {
        "@context": {"ex": "https://example.org/"},
        "@graph": [
            {"@id": "ex:a", "ex:text": "x" * size},
            {"@id": "ex:a", "ex:founded": {"@value": "2017-13-45", "@type": XSD + "date"}},
        ],
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def report(path: Path) -> None:
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "clusterkg", "--no-cache", "--data", str(path), "export"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    first = (process.stderr.strip().splitlines() or [""])[-1]
    print(
        f"{path.name:12} {path.stat().st_size / 1e6:6.1f} MB  {seconds:6.2f} s  exit "
        f"{process.returncode}  {first[:140]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10, help="size of the big literal in MB")
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        report(turtle(Path(folder), size))
        report(json_ld(Path(folder), max(size, 17_000_000)))


if __name__ == "__main__":
    main()
