"""Command-line tools: benchmarks and data checks."""
