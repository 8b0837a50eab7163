#!/usr/bin/env bash
# Run the unit and integration tests with the Python and ansible-core of a
# virtual environment.
#
#   tools/pytest.sh VENV [pytest arguments...]
#
# The tests import the collection as ansible_collections.<namespace>.<name>
# and run ansible-playbook against it, so PYTHONPATH and
# ANSIBLE_COLLECTIONS_PATH point at .build/collections, where a symlink makes
# the working tree the collection. pytest's exit status 5 (no tests collected)
# is a failure here: a suite that runs nothing must not pass.
set -uo pipefail

venv=${1:?usage: pytest.sh VENV [pytest arguments...]}
shift

repository=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "$venv" && pwd)
collections="$repository/.build/collections"
"$repository/tools/collection-tree.sh" link "$collections" >/dev/null || exit 1

cd "$repository" || exit 1
for directory in tests/unit tests/integration; do
    if [ ! -d "$directory" ]; then
        echo "pytest: $directory is missing; make test runs both tests/unit and tests/integration." >&2
        exit 1
    fi
done

export PATH="$venv/bin:$PATH"
export PYTHONPATH="$collections${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_COLLECTIONS_PATH="$collections"

echo "pytest: $("$venv/bin/python" --version), ansible-core $("$venv/bin/python" -c 'import ansible; print(ansible.__version__)')"
"$venv/bin/python" -m pytest tests/unit tests/integration \
    -p no:cacheprovider -ra --durations=10 --timeout="${PYTEST_TIMEOUT:-900}" "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest: no tests were collected from tests/unit and tests/integration." >&2
    exit 1
fi
exit "$status"
