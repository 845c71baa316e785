#!/bin/sh
# A real corpus of about 100k chunks for `npm run bench:split`: the 8 NL validation codebases
# (.eval/nl-validation, fetched by ../shared/eval/nl-validation/fetch.sh) under their ids, beside Debian's
# Go libraries (/usr/share/gocode/src), Rust crates (/usr/share/cargo/registry) and the first 60 Python
# packages of /usr/lib/python3/dist-packages (docutils and humanize, evaluation codebases, left out, and no
# package metadata), copied into .bench/real-100k/ and indexed with the bundled model into
# .bench/real-100k.c2idx (105,604 chunks on the machine of bench/results/split-index.json; what a machine
# has installed changes the count). About 15 minutes on 2 cores.
#
#   sh bench/real-corpus.sh
set -eu
root=.bench/real-100k
[ -d .eval/nl-validation ] || { echo "bench/real-corpus.sh: no .eval/nl-validation; run sh ../shared/eval/nl-validation/fetch.sh .eval/nl-validation" >&2; exit 1; }
rm -rf "$root" && mkdir -p "$root/cargo" "$root/python"
cp -r .eval/nl-validation/* "$root/"
cp -rL /usr/share/gocode/src "$root/gocode"
cp -rL /usr/share/cargo/registry/* "$root/cargo/"
for package in $(cd /usr/lib/python3/dist-packages && ls -d */ | head -60); do
  cp -rL "/usr/lib/python3/dist-packages/$package" "$root/python/" 2>/dev/null || true
done
(cd "$root/python" && rm -rf docutils humanize __pycache__ ./*.egg-info ./*.dist-info)
node bin/c2llm.js index "$root" --output .bench/real-100k.c2idx --device cpu --progress
