#!/usr/bin/env bash
# Builds faiss-node's native addon against Debian's libfaiss-dev.
#
# faiss-node's own install script downloads a prebuilt binary from GitHub or, failing that, git-clones faiss: both
# fail on offline machines, so the package is installed with --ignore-scripts and its addon is built here instead.
# Its CMakeLists vendors faiss and copies system libraries next to the addon; a small CMakeLists of our own links the
# system faiss through find_package(faiss). Nothing of faiss-node's sources is kept in this repository: they are
# copied from node_modules and patched in its build folder.
#
# Idempotent: when the addon was built from the same inputs and loads, it exits at once.
# Needs: libfaiss-dev (apt-get install -y libfaiss-dev), cmake, a C++17 compiler, Node.js headers.
set -euo pipefail

script="$(readlink -f "${BASH_SOURCE[0]}")"
root="$(dirname "$(dirname "$script")")"
cd "$root/packages/server"

module_dir="$(node -p 'require("node:path").dirname(require.resolve("faiss-node/package.json"))' 2>/dev/null)" || {
  echo "build-faiss: faiss-node is not installed; run: npm install --ignore-scripts faiss-node" >&2
  exit 1
}
if ! dpkg -s libfaiss-dev >/dev/null 2>&1; then
  echo "build-faiss: libfaiss-dev is not installed; run: apt-get install -y libfaiss-dev" >&2
  exit 1
fi

addon_api_dir="$(node -p "require('node:path').dirname(require.resolve('node-addon-api/package.json', { paths: ['$module_dir'] }))")"
node_include_dir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
if [[ ! -f "$node_include_dir/node_api.h" ]]; then
  echo "build-faiss: Node.js headers not found in $node_include_dir" >&2
  exit 1
fi

build_dir="$module_dir/build"
mkdir -p "$build_dir"
# Two builds at once (parallel CI jobs on one checkout) would share the work folder: take turns.
exec 9>"$build_dir/.lock"
flock 9
addon="$build_dir/Release/faiss-node.node"
stamp_file="$build_dir/Release/inputs.sha256"
stamp="$(
  {
    cat "$module_dir/package.json" "$module_dir/src/faiss.cc" "$script"
    dpkg-query -W -f '${Version}' libfaiss-dev
    node -p process.versions.napi
  } | sha256sum | cut -d' ' -f1
)"

loads() { node -e "require('$module_dir')" >/dev/null 2>&1; }

if [[ -f "$addon" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]] && loads; then
  echo "build-faiss: $addon is up to date"
  exit 0
fi

work_dir="$build_dir/work"
rm -rf "$work_dir"
mkdir -p "$work_dir/src" "$build_dir/Release"
cp "$module_dir/src/faiss.cc" "$work_dir/src/"
# faiss 1.7.3 declares idx_t inside faiss::Index only; faiss-node is written against 1.7.4's faiss::idx_t.
if ! grep -q "using idx_t" /usr/include/faiss/MetricType.h; then
  sed -i 's/faiss::idx_t/faiss::Index::idx_t/g' "$work_dir/src/faiss.cc"
fi
# faiss-node 0.5.1's fromBuffer `new`s its IOReader and never deletes it: every call leaks a copy of the serialized
# index, and the vector index loads every user's rows through it (faiss-flat-format.ts). Owning the reader in a
# unique_ptr frees it when the call returns.
sed -i \
  -e 's/faiss::VectorIOReader \*reader = new faiss::VectorIOReader();/auto owned_reader = std::make_unique<faiss::VectorIOReader>(); auto *reader = owned_reader.get();/' \
  "$work_dir/src/faiss.cc"

cat >"$work_dir/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.17)
project(faiss-node LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
find_package(OpenMP REQUIRED)
find_package(faiss REQUIRED)
add_library(faiss-node SHARED src/faiss.cc)
set_target_properties(faiss-node PROPERTIES PREFIX "" SUFFIX ".node")
target_compile_definitions(faiss-node PRIVATE NAPI_VERSION=6 NAPI_CPP_EXCEPTIONS)
target_include_directories(faiss-node PRIVATE "$node_include_dir" "$addon_api_dir")
target_link_libraries(faiss-node PRIVATE faiss)
CMAKE

cmake -S "$work_dir" -B "$work_dir/out" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work_dir/out" --parallel "$(nproc)"
# A new file, not an overwrite: a running process that loaded the old addon must keep an intact copy of it.
cp "$work_dir/out/faiss-node.node" "$addon.new"
mv -f "$addon.new" "$addon"
rm -rf "$work_dir"

if ! loads; then
  echo "build-faiss: the addon was built but does not load: node -e \"require('$module_dir')\"" >&2
  exit 1
fi
echo "$stamp" >"$stamp_file"
echo "build-faiss: built $addon"
