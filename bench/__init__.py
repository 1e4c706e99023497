"""Benchmarks that need a running stack; `make bench` runs bench.gateway."""
