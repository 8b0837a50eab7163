#!/usr/bin/env bash
# Run the benchmark, tools/bench.py, with the collection importable.
#
#   tools/bench.sh [bench.py arguments...]
#
# It uses the newest ansible-core:Python pair of PYTEST_MATRIX (tools/matrix.sh),
# whose virtual environment has requests, jmespath and pytest.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
cd "$repository"
# shellcheck source=tools/matrix.sh
. tools/matrix.sh

if [ ! -f tools/bench.py ]; then
    echo "bench: tools/bench.py not found; there is no benchmark to run." >&2
    exit 1
fi

pair=${PYTEST_MATRIX##* }
venv=$(venv_for "$pair")
tools/venv.sh "$venv" "${pair##*:}" "ansible-core==${pair%%:*}" -r tests/requirements.txt
collections="$repository/.build/collections"
tools/collection-tree.sh link "$collections" >/dev/null

export PATH="$repository/$venv/bin:$PATH"
export PYTHONPATH="$collections${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_COLLECTIONS_PATH="$collections"
exec "$venv/bin/python" tools/bench.py "$@"
