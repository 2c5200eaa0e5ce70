#!/usr/bin/env bash
# What the README's `npm ci` costs a developer: clones this repository's HEAD into a temporary folder, runs npm ci
# there (without install scripts, which add nothing to node_modules' size), and prints the size of node_modules, on
# disk and in bytes of files, and its largest packages.
#
#   scripts/dev-install-size.sh         # needs the npm registry
#
# Goal (issue 23): node_modules ≤ 500 MB on disk, with neither @huggingface/transformers nor onnxruntime in it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/prompt-dev-install-XXXXXX")"
trap 'rm -rf "$work"' EXIT

git clone --quiet "$root" "$work/clone"
cd "$work/clone"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null

printf 'node_modules: %s MB on disk, %s MB of files\n' \
  "$(du -sm node_modules | cut -f1)" "$(du -sm --apparent-size node_modules | cut -f1)"
for package in @huggingface/transformers onnxruntime-node onnxruntime-web; do
  if [[ -d "node_modules/$package" ]]; then echo "installed, although npm test does not need it: $package"; fi
done
echo "largest (MB on disk):"
du -sm node_modules/[!@]* node_modules/@*/* 2>/dev/null | sort -rn | head -12
