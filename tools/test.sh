#!/usr/bin/env bash
# Run the checks of make test and print how long each step took.
#
#   tools/test.sh [lint] [package] [sanity] [pytest] [demo]
#
# With no argument every step runs, in that order. A failed step does not stop
# the others, and the exit status is 1 when any step failed. The virtual
# environments are made on first use and reused afterwards (tools/venv.sh).
# The ansible-core and Python versions come from tools/matrix.sh.
set -uo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
cd "$repository" || exit 1
# shellcheck source=tools/matrix.sh
. tools/matrix.sh

: "${PYTEST_ARGS:=}" "${SANITY_ARGS:=}"

steps=("$@")
if [ "${#steps[@]}" -eq 0 ]; then
    steps=(lint package sanity pytest demo)
fi

summary=()
passes=0
failures=0
started=$(date +%s)

# Run one timed step: step NAME COMMAND...
step() {
    local name=$1
    shift
    local start status verdict
    echo
    echo "=== $name"
    start=$(date +%s)
    "$@"
    status=$?
    if [ "$status" -eq 0 ]; then
        verdict=passed
        passes=$((passes + 1))
    else
        verdict="FAILED (exit status $status)"
        failures=$((failures + 1))
    fi
    summary+=("$(printf '%-44s %6ss  %s' "$name" "$(($(date +%s) - start))" "$verdict")")
    return "$status"
}

# Make the virtual environment for an ansible-core:Python pair.
matrix_venv() {
    local pair=$1
    tools/venv.sh "$(venv_for "$pair")" "${pair##*:}" "ansible-core==${pair%%:*}" -r tests/requirements.txt
}

lint_venv() {
    tools/venv.sh .venv-lint "$LINT_PYTHON" -r tests/requirements-lint.txt
}

# ansible-lint and antsibull-docs start ansible-playbook and ansible-doc, so
# the lint environment goes first on PATH, and the collection is found through
# the symlink tree in .build/collections.
lint_tool() {
    "$repository/tools/collection-tree.sh" link "$repository/.build/collections" >/dev/null || return 1
    env PATH="$repository/.venv-lint/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$repository/.build/collections" "$@"
}

run_ansible_lint() {
    lint_tool .venv-lint/bin/ansible-lint --nocolor galaxy.yml meta/ roles/ playbooks/
}

run_docs_lint() {
    local collection
    collection=$(tools/collection-tree.sh link .build/collections | tail -n 1) || return 1
    (cd "$collection" &&
        lint_tool "$repository/.venv-lint/bin/antsibull-docs" lint-collection-docs --plugin-docs .)
}

run_changelog_lint() {
    .venv-lint/bin/antsibull-changelog lint &&
        .venv-lint/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
}

for name in "${steps[@]}"; do
    case "$name" in
    lint)
        if step "venv .venv-lint (Python $LINT_PYTHON)" lint_venv; then
            step "ansible-lint (production profile)" run_ansible_lint
            step "antsibull-docs lint-collection-docs" run_docs_lint
            step "antsibull-changelog lint" run_changelog_lint
        fi
        ;;
    package)
        oldest_pair=${SANITY_MATRIX%% *}
        if step "venv .venv-lint (Python $LINT_PYTHON)" lint_venv &&
            step "venv $(venv_for "$oldest_pair")" matrix_venv "$oldest_pair"; then
            step "package: build, install, ansible-builder" tools/check-package.sh .venv-lint "$(venv_for "$oldest_pair")"
        fi
        ;;
    sanity)
        for pair in $SANITY_MATRIX; do
            if step "venv $(venv_for "$pair")" matrix_venv "$pair"; then
                # shellcheck disable=SC2086 # SANITY_ARGS is a list of arguments.
                step "sanity ansible-core ${pair%%:*} Python ${pair##*:}" tools/sanity.sh "$(venv_for "$pair")" $SANITY_ARGS
            fi
        done
        ;;
    pytest)
        for pair in $PYTEST_MATRIX; do
            if step "venv $(venv_for "$pair")" matrix_venv "$pair"; then
                # shellcheck disable=SC2086 # PYTEST_ARGS is a list of arguments.
                step "pytest ansible-core ${pair%%:*} Python ${pair##*:}" tools/pytest.sh "$(venv_for "$pair")" $PYTEST_ARGS
            fi
        done
        ;;
    demo)
        step "demo (make demo)" tools/demo.sh
        ;;
    *)
        echo "test: unknown step '$name'; the steps are lint, package, sanity, pytest and demo." >&2
        exit 2
        ;;
    esac
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
printf '%-44s %6ss\n' "total" "$(($(date +%s) - started))"
echo "steps: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
