"""Run the grammar-level fuzzer at length: ``python tests/fuzz/run_fuzz.py --mutants 10000 --seed 1``.

Prints one line a crash (seed, base case, file, mutation, error) and a
summary line; exits 1 when anything crashed. Replay one mutant with
``--mutants 1 --seed N``. Figures are drawn for every ``--figures-every``-th
mutant (the report is built for every mutant that loads; figures are the
slow part).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fuzz.grammar import Outcome, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--figures-every", type=int, default=50)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    counts = {"loaded": 0, "refused": 0, "crash": 0}
    start = time.monotonic()

    def progress(o: Outcome) -> None:
        counts[o.result] += 1
        if o.result == "crash":
            print(
                f"CRASH seed={o.seed} base={o.base} file={o.file} mutation={o.mutation}\n{o.error}",
                flush=True,
            )
        done = sum(counts.values())
        if not args.quiet and done % 100 == 0:
            print(f"… {done} mutants, {counts}", flush=True)

    with tempfile.TemporaryDirectory(prefix="zopa-fuzz-") as tmp:
        run(
            args.mutants, args.seed, Path(tmp), figures_every=args.figures_every, progress=progress
        )
    print(
        f"{sum(counts.values())} mutants (seed {args.seed}): {counts['loaded']} loaded and went "
        f"through analysis and report, {counts['refused']} refused with located problems, "
        f"{counts['crash']} crashes ({time.monotonic() - start:.0f} s)",
        flush=True,
    )
    return 1 if counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
