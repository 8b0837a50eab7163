# shellcheck shell=bash
# The ansible-core releases and Python versions that make test and make demo
# use. Sourced by the scripts in tools/; a variable already set in the
# environment (make VAR=value sets it) wins over the default here.
#
# Oldest supported ansible-core: the last 2.16 release (controller Python 3.10
# to 3.12). Newest: the last 2.21 release (controller Python 3.12 to 3.14).

: "${ANSIBLE_CORE_OLDEST:=2.16.19}"
: "${ANSIBLE_CORE_NEWEST:=2.21.5}"

# ansible-core:Python pairs for pytest (unit and integration tests).
: "${PYTEST_MATRIX:=$ANSIBLE_CORE_OLDEST:3.10 $ANSIBLE_CORE_OLDEST:3.12 $ANSIBLE_CORE_NEWEST:3.12 $ANSIBLE_CORE_NEWEST:3.13}"

# ansible-core:controller Python pairs for ansible-test sanity. Each run also
# compiles and imports the modules with every other Python from 3.9 up that the
# machine has and that ansible-core supports on targets.
: "${SANITY_MATRIX:=$ANSIBLE_CORE_OLDEST:3.12 $ANSIBLE_CORE_NEWEST:3.13}"

# Python of .venv-lint (ansible-lint, antsibull-docs, antsibull-changelog,
# ansible-builder; tests/requirements-lint.txt pins ansible-core 2.21, which
# needs Python 3.12 or newer).
: "${LINT_PYTHON:=3.13}"

# Virtual environment directory for an ansible-core:Python pair,
# for example .venv-2.16-py3.12.
venv_for() {
    local ansible_core=${1%%:*} python_version=${1##*:}
    local major_minor
    major_minor=$(echo "$ansible_core" | cut -d. -f1,2)
    echo ".venv-$major_minor-py$python_version"
}
