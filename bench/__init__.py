"""The benchmark harness: fitwell's `fit` against hand-written loops and other frameworks.

Run it from the repository root with `python -m bench.run` (or `make bench`);
`python -m bench.run --help` lists the options. Results go to
`bench/RESULTS.md`.
"""
