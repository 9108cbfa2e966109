"""`python -m clusterkg` runs the CLI."""

from clusterkg.cli import main

main()
