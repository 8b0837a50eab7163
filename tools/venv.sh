#!/usr/bin/env bash
# Create a virtual environment, or reuse it when it was made the same way.
#
#   tools/venv.sh DIR PYTHON_VERSION PIP_INSTALL_ARGUMENTS...
#
# For example: tools/venv.sh .venv-2.16-py3.12 3.12 ansible-core==2.16.19 -r tests/requirements.txt
#
# DIR/.made-with records the interpreter, the arguments and a checksum of every
# file given with -r or -c. When it matches, the environment is reused as it is;
# otherwise DIR is deleted and made again.
set -euo pipefail

directory=${1:?usage: venv.sh DIR PYTHON_VERSION PIP_INSTALL_ARGUMENTS...}
python_version=${2:?usage: venv.sh DIR PYTHON_VERSION PIP_INSTALL_ARGUMENTS...}
shift 2

tools=$(cd "$(dirname "$0")" && pwd)
python=$("$tools/find-python.sh" "$python_version")

recipe() {
    echo "python: $python"
    echo "arguments: $*"
    local previous=""
    for argument in "$@"; do
        if [ "$previous" = "-r" ] || [ "$previous" = "-c" ]; then
            sha256sum "$argument"
        fi
        previous=$argument
    done
}

wanted=$(recipe "$@")
if [ -f "$directory/.made-with" ] && [ "$(cat "$directory/.made-with")" = "$wanted" ]; then
    echo "venv: reusing $directory"
    exit 0
fi

echo "venv: creating $directory with $python"
rm -rf "$directory"
"$python" -m venv "$directory"

# Some pip configurations name extra package indexes that do not exist on every
# machine; pip then prints one warning per package and index. They change
# nothing, so they are dropped to keep the log readable.
set +e
"$directory/bin/python" -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | grep -v -E "^WARNING: Location '.*' is ignored: it is neither a file nor a directory\.$"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "venv: pip install failed in $directory (exit status $status)" >&2
    exit "$status"
fi

echo "$wanted" > "$directory/.made-with"
