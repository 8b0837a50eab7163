#!/usr/bin/env bash
# Print the path of a working Python interpreter of version X.Y.
#
#   tools/find-python.sh 3.12
#
# Looks for pythonX.Y on PATH, then in pyenv's versions directory, and checks
# that the candidate runs and reports version X.Y: a pyenv shim for a version
# that is not selected exists on PATH but fails when run.
set -euo pipefail

version=${1:?usage: find-python.sh X.Y}

reports_version() {
    [ -x "$1" ] && "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null
}

candidates=()
while IFS= read -r path; do
    candidates+=("$path")
done < <(type -a -p "python$version" 2>/dev/null || true)

pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
if [ -d "$pyenv_root/versions" ]; then
    # The highest patch release first.
    while IFS= read -r directory; do
        candidates+=("$directory/bin/python$version")
    done < <(printf '%s\n' "$pyenv_root/versions/$version".* | grep -E "/$version\.[0-9]+$" | sort -V -r)
fi

for candidate in "${candidates[@]}"; do
    if reports_version "$candidate"; then
        # Resolve a shim or symlink, so callers get the interpreter itself.
        "$candidate" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

echo "Python $version not found on PATH or under $pyenv_root/versions." >&2
echo "Install it, or run make with a matrix that leaves it out (see docs/development.md)." >&2
exit 1
