#!/usr/bin/env bash
# Rehearse the post-maintenance job against the bundled simulator.
#
#   tools/demo.sh [extra ansible-playbook arguments...]
#
# It makes the virtual environment .venv (pinned ansible-core, requests,
# jmespath), builds the collection tarball and installs it into
# .build/installed. Then it starts the simulator with the connect-maintenance
# scenario, runs cloudblue.commerce.post_maintenance in check mode and then for
# real, and prints where the report is. The simulator is stopped on every exit
# path, and the script exits non-zero when any step fails.
#
# Environment: DEMO_PYTHON (X.Y) and DEMO_ANSIBLE_CORE choose the interpreter
# and the ansible-core release. By default the demo takes the newest Python from
# 3.13 down to 3.10 that the machine has, with the newest ansible-core that
# supports it.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
cd "$repository"
# shellcheck source=tools/matrix.sh
. tools/matrix.sh

say() {
    echo "demo: $*"
}

# The interpreter and the ansible-core release.
python_version=${DEMO_PYTHON:-}
if [ -z "$python_version" ]; then
    for candidate in 3.13 3.12 3.11 3.10; do
        if tools/find-python.sh "$candidate" >/dev/null 2>&1; then
            python_version=$candidate
            break
        fi
    done
fi
if [ -z "$python_version" ]; then
    say "no Python from 3.10 to 3.13 found; install one, or set DEMO_PYTHON to the X.Y of one on PATH." >&2
    exit 1
fi
case "$python_version" in
3.10 | 3.11) ansible_core=${DEMO_ANSIBLE_CORE:-$ANSIBLE_CORE_OLDEST} ;;
*) ansible_core=${DEMO_ANSIBLE_CORE:-$ANSIBLE_CORE_NEWEST} ;;
esac

venv=.venv
say "Python $python_version, ansible-core $ansible_core, virtual environment $venv"
tools/venv.sh "$venv" "$python_version" "ansible-core==$ansible_core" -r requirements.txt -c tests/requirements.txt

# Build the tarball and install it, as a user installs a release.
build="$repository/.build"
installed="$build/installed"
run_directory="$build/demo"
reports="$run_directory/reports"
rm -rf "$build/dist" "$installed" "$run_directory"
mkdir -p "$build/dist" "$installed" "$reports"

export ANSIBLE_COLLECTIONS_PATH="$installed"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$build/dist" .
tarball=$(ls "$build"/dist/*.tar.gz)
"$venv/bin/ansible-galaxy" collection install --force --collections-path "$installed" "$tarball"
collection=$(echo "$installed"/ansible_collections/*/*)

# The simulator from the installed collection, which ships it for rehearsals.
simulator_pid=""
stop_simulator() {
    if [ -n "$simulator_pid" ] && kill -0 "$simulator_pid" 2>/dev/null; then
        kill -TERM "$simulator_pid" 2>/dev/null || true
        wait "$simulator_pid" 2>/dev/null || true
        say "simulator stopped"
    fi
}
trap stop_simulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$venv/bin/python" "$collection/tests/simulator/run.py" \
    --port 0 --scenario connect-maintenance --orders 2000 --seed 7 \
    >"$run_directory/simulator.json" 2>"$run_directory/simulator.log" &
simulator_pid=$!

# The simulator prints one JSON line once it listens.
for _ in $(seq 1 300); do
    if [ "$(wc -l <"$run_directory/simulator.json")" -ge 1 ]; then
        break
    fi
    if ! kill -0 "$simulator_pid" 2>/dev/null; then
        say "the simulator exited before it listened; its log:" >&2
        cat "$run_directory/simulator.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ "$(wc -l <"$run_directory/simulator.json")" -lt 1 ]; then
    say "the simulator printed no start line within 30 seconds; its log is $run_directory/simulator.log" >&2
    exit 1
fi

mapfile -t start_line < <("$venv/bin/python" - "$run_directory/simulator.json" <<'PYTHON'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as stream:
    info = json.loads(stream.readline())
for key in ("billing_url", "connect_url", "connect_api_key", "window_start", "window_end", "control_url"):
    print(info[key])
PYTHON
)
export CBC_BILLING_URL=${start_line[0]}
export CBC_BILLING_AUTH=none
export CBC_CONNECT_URL=${start_line[1]}
export CBC_CONNECT_API_KEY=${start_line[2]}
window_start=${start_line[3]}
window_end=${start_line[4]}
say "simulator (pid $simulator_pid) serves Billing at $CBC_BILLING_URL and Connect at $CBC_CONNECT_URL"
say "control endpoint ${start_line[5]}; maintenance window $window_start to $window_end (Unix time)"

# The scenario's orders belong to the provider (vendor account 1) and five
# resellers (1001 to 1005), so the demo lists all six accounts. The scenario
# also makes some resubmitted orders fail again, so that the report has reasons
# to show. The role would then fail the play, as it should after a real
# maintenance; the demo lets it finish and checks the report instead.
# Arguments given to this script come last and so win, for example
# -e failed_orders_fail_on_leftovers=true.
playbook_arguments=(
    cloudblue.commerce.post_maintenance
    -e "failed_orders_window_start=$window_start"
    -e "failed_orders_window_end=$window_end"
    -e "failed_orders_vendor_account_ids=1,1001,1002,1003,1004,1005"
    -e "failed_orders_report_dir=$reports"
    -e failed_orders_fail_on_leftovers=false
    "$@"
)
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false

say "check mode: what would be resubmitted"
if ! "$venv/bin/ansible-playbook" --check "${playbook_arguments[@]}"; then
    say "the check-mode run failed; the simulator log is $run_directory/simulator.log" >&2
    exit 1
fi

say "real run: resubmit and wait for the outcome"
if ! "$venv/bin/ansible-playbook" "${playbook_arguments[@]}"; then
    say "the real run failed; the simulator log is $run_directory/simulator.log" >&2
    exit 1
fi

mapfile -t report_files < <(find "$reports" -type f -name '*.md' -o -type f -name '*.json' | sort)
if [ "${#report_files[@]}" -eq 0 ]; then
    say "the real run wrote no report under $reports" >&2
    exit 1
fi
say "reports written under $reports:"
printf '  %s\n' "${report_files[@]}"
