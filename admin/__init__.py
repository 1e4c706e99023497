"""The administrators' command line, `rss` (admin/cli.py): one module per command group (keys, reports,
deliveries, population, demo), all of them talking to a running platform over HTTP through its gateway."""
