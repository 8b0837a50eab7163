#!/usr/bin/env bash
# Check the release tarball: build it, check what it contains, install it with
# two ansible-core releases and load its modules, role and playbooks from the
# installed copy, and check that ansible-builder finds its Python requirements.
#
#   tools/check-package.sh BUILD_VENV [INSTALL_VENV...]
#
# BUILD_VENV needs ansible-core and ansible-builder (.venv-lint has both). Each
# INSTALL_VENV installs the tarball with its own ansible-galaxy and loads the
# content with its own ansible-doc and ansible-playbook; BUILD_VENV does too.
set -euo pipefail

build_venv=${1:?usage: check-package.sh BUILD_VENV [INSTALL_VENV...]}
shift

repository=$(cd "$(dirname "$0")/.." && pwd)
cd "$repository"
output="$repository/.build/package"
rm -rf "$output"
mkdir -p "$output/dist"

"$build_venv/bin/ansible-galaxy" collection build --force --output-path "$output/dist" .
tarball=$(ls "$output"/dist/*.tar.gz)
tar -tzf "$tarball" | sed 's|^\./||' | sort >"$output/contents.txt"
echo "check-package: $(basename "$tarball"), $(wc -l <"$output/contents.txt") entries, $(du -k "$tarball" | cut -f1) KiB"

problems=0
for required in MANIFEST.json FILES.json README.md requirements.txt meta/runtime.yml \
    meta/execution-environment.yml changelogs/changelog.yaml \
    plugins/modules/connect_wait.py plugins/modules/order_info.py plugins/modules/order_resubmit.py \
    roles/failed_orders/meta/argument_specs.yml \
    playbooks/post_maintenance.yml playbooks/failed_orders_report.yml tests/simulator/run.py; do
    if ! grep -qx "$required" "$output/contents.txt"; then
        echo "check-package: $required is missing from the tarball" >&2
        problems=$((problems + 1))
    fi
done
# Local environments, build output and caches must never ship.
if grep -E '(^|/)(\.venv[^/]*|\.build|\.git|\.ansible|\.pytest_cache|__pycache__|tests/output)(/|$)|\.pyc$|^tools/|^Makefile$' \
    "$output/contents.txt" >"$output/unexpected.txt"; then
    echo "check-package: the tarball contains files that must not ship:" >&2
    sed 's/^/  /' "$output/unexpected.txt" >&2
    problems=$((problems + 1))
fi

for venv in "$build_venv" "$@"; do
    label=$(basename "$venv")
    installed="$output/installed-$label"
    version=$("$venv/bin/python" -c 'import ansible; print(ansible.__version__)')
    echo "check-package: install and load with ansible-core $version ($label)"
    export ANSIBLE_COLLECTIONS_PATH="$installed"
    "$venv/bin/ansible-galaxy" collection install --force --collections-path "$installed" "$tarball" >/dev/null
    for module in connect_wait order_info order_resubmit; do
        if ! "$venv/bin/ansible-doc" -t module "cloudblue.commerce.$module" >/dev/null; then
            echo "check-package: ansible-doc failed for module cloudblue.commerce.$module with ansible-core $version" >&2
            problems=$((problems + 1))
        fi
    done
    if ! "$venv/bin/ansible-doc" -t role cloudblue.commerce.failed_orders >/dev/null; then
        echo "check-package: ansible-doc failed for role cloudblue.commerce.failed_orders with ansible-core $version" >&2
        problems=$((problems + 1))
    fi
    for playbook in post_maintenance failed_orders_report; do
        if ! ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
            "$venv/bin/ansible-playbook" --syntax-check \
            "cloudblue.commerce.$playbook" >/dev/null; then
            echo "check-package: syntax check failed for playbook cloudblue.commerce.$playbook with ansible-core $version" >&2
            problems=$((problems + 1))
        fi
    done
done

# ansible-builder reads meta/execution-environment.yml of each installed
# collection; introspect prints the Python requirements it would install.
"$build_venv/bin/ansible-builder" introspect --sanitize "$output/installed-$(basename "$build_venv")" >"$output/introspect.txt"
for package in requests jmespath; do
    if ! grep -Eq "^- '?$package( |'|\$)" "$output/introspect.txt"; then
        echo "check-package: ansible-builder introspect does not list $package:" >&2
        sed 's/^/  /' "$output/introspect.txt" >&2
        problems=$((problems + 1))
    fi
done

if [ "$problems" -gt 0 ]; then
    echo "check-package: $problems problem(s) found" >&2
    exit 1
fi
echo "check-package: tarball contents, installs and ansible-builder requirements are as expected"
