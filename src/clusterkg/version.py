"""The version of clusterkg, in a module of its own: the build cache keys builds by it, and it
must be importable before the package's API is."""

__version__ = "0.2.0"
