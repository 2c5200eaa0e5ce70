#!/usr/bin/env bash
# What installing each public package costs a user: packs the packages, installs each tarball into an empty project
# with npm 10 (Node 20's own) and with npm 11, and prints the size of node_modules and the packages that have an
# install script (npm 10 runs them all; npm 11 only those a project allows). The server is installed with
# @prompt-service/protocol, which it depends on (the SDK bundles what it uses of it).
#
#   scripts/install-sizes.sh            # needs the npm registry (dependencies, and npm 10 through npx)
#
# Goals (issue 16): SDK alone ≤ 5 MB, CLI with the SDK ≤ 30 MB, server ≤ 150 MB, no install script that downloads.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/prompt-install-sizes-XXXXXX")"
trap 'rm -rf "$work"' EXIT

npm run build --silent >/dev/null 2>&1
for workspace in protocol sdk cli server; do
  npm pack --silent --pack-destination "$work" -w "@prompt-service/$workspace" >/dev/null
done
sdk="$(ls "$work"/prompt-service-sdk-*.tgz)"
cli="$(ls "$work"/prompt-service-cli-*.tgz)"
server="$(ls "$work"/prompt-service-server-*.tgz)"
protocol="$(ls "$work"/prompt-service-protocol-*.tgz)"

# npm ci's lifecycle and audit noise is not what is measured; the scripts are listed, not run.
install() {
  local npm_version="$1" name="$2"
  shift 2
  local project="$work/$name-npm$npm_version"
  mkdir -p "$project"
  (cd "$project" && npm init -y >/dev/null &&
    npx --yes "npm@$npm_version" install --ignore-scripts --no-audit --no-fund --loglevel=error "$@" >/dev/null)
  local size scripts
  size="$(du -sm "$project/node_modules" | cut -f1)"
  scripts="$(cd "$project" && npx --yes "npm@$npm_version" query \
    ':attr(scripts, [preinstall]), :attr(scripts, [install]), :attr(scripts, [postinstall])' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(p=>p.name).join(" ")||"none"))')"
  printf '%-20s npm %-3s %5s MB   install scripts: %s\n' "$name" "$npm_version" "$size" "$scripts"
}

for npm_version in 10 11; do
  install "$npm_version" "sdk" "$sdk"
  install "$npm_version" "cli (with the sdk)" "$sdk" "$cli"
  install "$npm_version" "server" "$protocol" "$server"
done
