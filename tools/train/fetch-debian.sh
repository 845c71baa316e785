#!/usr/bin/env bash
# Downloads and extracts the Debian packages that widen C2LLM-nano's corpus beyond what run.sh's
# machine has installed: every Go library (golang-*-dev), Rust crate (librust-*-dev), Ruby gem
# (ruby-*), PHP library (php-*), Node package (node-*) and Python package (python3-*) of the
# distribution, and the C and C++ packages named in debian-c-cpp-packages.txt. Nothing is installed:
# each .deb is unpacked into a folder of its own, NAME_VERSION, which tools/train/corpus.py --debian-dir
# reads (and names, with its version, in the corpus manifest).
# Evaluation codebases are downloaded too and skipped by corpus.py (evaluation-codebases.json).
#
#   tools/train/fetch-debian.sh DIR    # DIR/debs: the .deb files; DIR/packages: one folder a package
set -euo pipefail
out=$1
mkdir -p "$out/debs" "$out/packages"
list="$(dirname "$0")/debian-c-cpp-packages.txt"
{
  for pattern in '^golang-.*-dev$' '^librust-.*-dev$' '^ruby-' '^php-' '^node-' '^python3-'; do
    apt-cache search --names-only "$pattern" | awk '{print $1}'
  done | grep -v -E -- '-(doc|dbg|dbgsym)$'
  grep -v -E '^(#|$)' "$list"
} | sort -u > "$out/packages.txt"

cd "$out/debs"
# In batches (one apt-get per package would take hours); a batch that fails is retried package by package.
missing() { comm -23 ../packages.txt <(ls | sed 's/_.*//' | sort -u); }
missing | xargs -r -n 100 apt-get download -q >> ../download.log 2>&1 || true
missing | xargs -r -n 1 apt-get download -q >> ../download.log 2>&1 || true
echo "$(ls | wc -l) of $(wc -l < ../packages.txt) packages downloaded; the others have no candidate (../download.log)"

for deb in *.deb; do
  folder="../packages/$(basename "$deb" .deb | sed 's/%3a/:/g; s/_[^_]*$//')"
  [ -d "$folder" ] || { dpkg-deb -x "$deb" "$folder.tmp" && mv "$folder.tmp" "$folder"; }
done
echo "extracted into $out/packages"
