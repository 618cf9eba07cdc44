"""The benchmarks: `make bench-api` (bench_api.py) and `make bench-fetch` (bench_fetch.py, its parts in fetch/)."""
