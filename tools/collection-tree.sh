#!/usr/bin/env bash
# Place the repository where Python and Ansible expect a collection:
# ROOT/ansible_collections/<namespace>/<name>.
#
#   tools/collection-tree.sh link ROOT   symlink to the working tree (pytest, ansible-playbook)
#   tools/collection-tree.sh copy ROOT   fresh copy of the files git tracks or would track
#
# ansible-test resolves the real path of its working directory, so it needs the
# copy. The copy takes tracked files plus untracked files that .gitignore does
# not exclude, so new files are tested before they are committed.
set -euo pipefail

mode=${1:?usage: collection-tree.sh link|copy ROOT}
root=${2:?usage: collection-tree.sh link|copy ROOT}

repository=$(cd "$(dirname "$0")/.." && pwd)
namespace=$(sed -n 's/^namespace: *//p' "$repository/galaxy.yml")
name=$(sed -n 's/^name: *//p' "$repository/galaxy.yml")
mkdir -p "$root/ansible_collections/$namespace"
root=$(cd "$root" && pwd)
destination="$root/ansible_collections/$namespace/$name"

case "$mode" in
link)
    if [ "$(readlink "$destination" 2>/dev/null)" != "$repository" ]; then
        rm -rf "$destination"
        ln -s "$repository" "$destination"
    fi
    ;;
copy)
    if ! git -C "$repository" rev-parse --git-dir >/dev/null 2>&1; then
        echo "collection-tree: $repository is not a git work tree; the copy needs git to list the files." >&2
        exit 1
    fi
    rm -rf "$destination"
    mkdir -p "$destination"
    # --deduplicate and the existence test skip tracked files deleted in the
    # work tree; tar keeps modes, so executable scripts stay executable.
    git -C "$repository" ls-files -z --cached --others --exclude-standard --deduplicate \
        | while IFS= read -r -d '' path; do
            if [ -e "$repository/$path" ] || [ -L "$repository/$path" ]; then
                printf '%s\0' "$path"
            fi
        done \
        | tar -C "$repository" --null --no-recursion -T - -cf - \
        | tar -C "$destination" -xf -
    ;;
*)
    echo "collection-tree: unknown mode '$mode'; use link or copy." >&2
    exit 2
    ;;
esac

echo "$destination"
