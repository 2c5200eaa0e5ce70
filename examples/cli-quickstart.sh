#!/usr/bin/env bash
# The original service's README flow (register, login, create a prompt, find similar ones), from a terminal with
# the `prompt` command instead of curl.
#
#   npm start                       # in another terminal: the server on http://localhost:8000
#   bash examples/cli-quickstart.sh # PROMPT_SERVER=<url> for a server elsewhere
set -euo pipefail

# `prompt` from the PATH (npm link, a global install), else this clone's own: npx finds node_modules/.bin/prompt.
command -v prompt >/dev/null || prompt() { npx --no-install prompt "$@"; }

user="alice_${RANDOM}${RANDOM}"

# On a terminal `prompt` asks for the password without echo; a script pipes it in.
echo "secret123" | prompt register --username "$user" --email "$user@example.com" --password-stdin
echo "secret123" | prompt login --username "$user" --password-stdin
prompt whoami

prompt submit "hola mundo"
sleep 1 # the server takes one prompt per second from each user
echo "what is the weather like today" | prompt submit -

echo "similar to \"hola\":"
prompt search "hola" -k 3

echo "history:"
prompt history

prompt logout
