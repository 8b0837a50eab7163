#!/usr/bin/env bash
# Run ansible-test sanity with the ansible-core of a virtual environment.
#
#   tools/sanity.sh VENV [ansible-test sanity arguments...]
#
# ansible-test needs the collection at .../ansible_collections/<namespace>/<name>,
# so this runs it in a fresh copy under .build/sanity. With --venv, ansible-test
# makes a virtual environment for each sanity test and Python version. It keeps
# them and its other caches under .build/ansible-test-home, which is its HOME,
# so nothing of it lands in the user's home directory.
set -euo pipefail

venv=${1:?usage: sanity.sh VENV [ansible-test sanity arguments...]}
shift

repository=$(cd "$(dirname "$0")/.." && pwd)
venv=$(cd "$venv" && pwd)
build="$repository/.build"
test_home="$build/ansible-test-home"
python_bin="$build/python-bin"

collection=$("$repository/tools/collection-tree.sh" copy "$build/sanity" | tail -n 1)

# ansible-test lists the files to check with git when a parent directory is a
# git work tree. The copy sits inside this repository's ignored .build, so it
# gets a repository of its own; git then lists its files as untracked.
git -C "$collection" init --quiet

# ansible-test creates each sanity virtual environment without pip and then runs
# a pip bootstrap script that it downloads from ci-files.testing.ansible.com,
# unless the script is already in its cache. The stand-in installs the same pip
# release from the package index (see tools/get_pip_bootstrap.py).
# NOTE: get_venv_packages is internal to ansible-test (checked with 2.16 and
# 2.21). Version "3" matches none of its per-version overrides, which exist
# only for Python 2.7 and 3.6, so it returns the default pip version.
pip_version=$("$venv/bin/python" - <<'PYTHON'
import types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version="3"))["pip"])
PYTHON
)
mkdir -p "$test_home/.ansible/test/cache"
cp "$repository/tools/get_pip_bootstrap.py" "$test_home/.ansible/test/cache/get_pip_${pip_version//./_}.py"

# Keep the user's pip settings (index, proxy, certificates) and pip's download
# cache: ansible-test passes HOME to pip but drops PIP_* variables.
for pip_config in .config/pip .pip; do
    if [ -e "$HOME/$pip_config" ] && [ ! -e "$test_home/$pip_config" ]; then
        mkdir -p "$(dirname "$test_home/$pip_config")"
        ln -s "$HOME/$pip_config" "$test_home/$pip_config"
    fi
done
if [ ! -e "$test_home/.cache/pip" ]; then
    mkdir -p "$test_home/.cache" "${XDG_CACHE_HOME:-$HOME/.cache}/pip"
    ln -s "${XDG_CACHE_HOME:-$HOME/.cache}/pip" "$test_home/.cache/pip"
fi

# ansible-test compiles and imports the modules with every Python X.Y it finds
# as pythonX.Y on PATH. A directory of links to the real interpreters goes first,
# because a pyenv shim on PATH fails for a version that pyenv has not selected.
rm -rf "$python_bin"
mkdir -p "$python_bin"
found=()
for version in 3.9 3.10 3.11 3.12 3.13 3.14; do
    if interpreter=$("$repository/tools/find-python.sh" "$version" 2>/dev/null); then
        ln -s "$interpreter" "$python_bin/python$version"
        found+=("$version")
    fi
done
# ansible-test skips its shellcheck test with only a warning when shellcheck
# is missing; CI installs it (.ci/run), so there a missing one is an error.
if ! command -v shellcheck >/dev/null; then
    if [ "${CI:-}" = "true" ]; then
        echo "sanity: shellcheck is missing; .ci/run installs it with apt-get." >&2
        exit 1
    fi
    echo "sanity: shellcheck is missing, so ansible-test skips the shellcheck test (apt-get install shellcheck)." >&2
fi

echo "sanity: ansible-core $("$venv/bin/python" -c 'import ansible; print(ansible.__version__)'), Python versions on PATH: ${found[*]}"

cd "$collection"
env HOME="$test_home" PATH="$python_bin:$venv/bin:$PATH" \
    "$venv/bin/ansible-test" sanity --venv --requirements --color no "$@"
