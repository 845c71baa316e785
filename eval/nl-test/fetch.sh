#!/bin/sh
# Fetch every codebase of this project's code-search test set into DIR/<id>/ (eval/nl-test/queries.jsonl).
# Needs only apt-get (Debian 12 "bookworm") and npm (the registry). None of these codebases is training
# data (tools/train/evaluation-codebases.json; test/corpus-leak.test.ts checks it).
#   usage: sh eval/nl-test/fetch.sh DIR        (as root, or with sudo available; SKIP_APT_UPDATE=1 skips apt-get update)
set -eu

DEST=${1:?usage: fetch.sh DIR}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi

DEBS="python3-humanize golang-github-gorilla-mux-dev librust-semver-dev ruby-thor php-symfony-console"
if [ -z "${SKIP_APT_UPDATE:-}" ]; then $SUDO apt-get update; fi
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $DEBS

# The versions the queries were written against (line numbers refer to these).
expect_version() {
  got=$(dpkg-query -W -f='${Version}' "$1")
  [ "$got" = "$2" ] || echo "WARNING: $1 is $got, queries were written against $2 (line ranges may have drifted)" >&2
}
expect_version python3-humanize              4.4.0-1
expect_version golang-github-gorilla-mux-dev 1.8.0-1
expect_version librust-semver-dev            1.0.14-1
expect_version ruby-thor                     1.2.1-2
expect_version php-symfony-console           5.4.53+dfsg-0+deb12u1

copy() {  # SRC-DIR ID
  [ -d "$1" ] || { echo "ERROR: missing $1" >&2; exit 1; }
  rm -rf "$DEST/$2"
  mkdir -p "$DEST/$2"
  cp -RL "$1/." "$DEST/$2/"
  find "$DEST/$2" -name __pycache__ -type d -prune -exec rm -rf {} +
  echo "fetched $2 <- $1"
}
copy /usr/lib/python3/dist-packages/humanize          humanize
copy /usr/share/gocode/src/github.com/gorilla/mux     gorilla-mux
copy /usr/share/cargo/registry/semver-1.0.14          rust-semver
copy /usr/share/rubygems-integration/all/gems/thor-1.2.1 thor
copy /usr/share/php/Symfony/Component/Console         symfony-console

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent @tanstack/query-core@5.62.0 >/dev/null && mkdir q && tar xzf tanstack-query-core-5.62.0.tgz -C q)
copy "$TMP/q/package/src" query-core   # the TypeScript sources (build/ is compiled output)
(cd "$TMP" && npm pack --silent re2@1.27.2 >/dev/null && mkdir r && tar xzf re2-1.27.2.tgz -C r)
copy "$TMP/r/package/vendor/re2" re2   # RE2 itself, C++, as the Node binding vendors it (lib/ is the binding)
echo "done: $(ls "$DEST" | tr '\n' ' ')"
