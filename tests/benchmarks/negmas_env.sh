#!/bin/sh
# The benchmark's own environment for NegMAS, a peer used only by bench_frontier.py
# (never a dependency of zopa): a separate venv, by default /tmp/negmas-env.
#
#     sh tests/benchmarks/negmas_env.sh [DIR]
#     python tests/benchmarks/bench_frontier.py --negmas-python DIR/bin/python
set -eu
ENV="${1:-/tmp/negmas-env}"
python3 -m venv "$ENV"
"$ENV/bin/pip" install --quiet "negmas==0.16.*"
"$ENV/bin/python" -c "import negmas; print('NegMAS', negmas.__version__, 'in', '$ENV')"
