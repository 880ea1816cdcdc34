#!/usr/bin/env bash
# Builds the real-text corpus: every fortune of Debian's fortunes-de (German) and fortunes-ru
# (Russian) packages, GPL-2+, one fortune a line (whitespace runs collapsed). UTF-8 with umlauts,
# ß and Cyrillic. Fetched at run time with `apt-get download` (no install), never committed.
# The lines are shuffled with a fixed seed: the German fortunes have 23.6 words a line, the
# Russian ones 14.5, and the end-to-end runs read the corpus in order, so in file order a
# variant's sentences per second depended on where in the file its measured seconds fell.
# Shuffled, any few thousand lines have the same mix, and every run the same file.
# Usage: benches/corpus.sh OUT_FILE
set -euo pipefail
out=$(realpath -m "$1")
seed=16
# OUT_FILE.order marks a corpus built this way; one from before the shuffle is built again
order="shuffled, seed $seed"
[ -s "$out" ] && [ "$(cat "$out.order" 2>/dev/null)" = "$order" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fortunes-de fortunes-ru >/dev/null 2>&1 || {
  (apt-get update -qq && apt-get download fortunes-de fortunes-ru) >/dev/null 2>&1
}
for d in *.deb; do dpkg-deb -x "$d" x; done
python3 - "$out" "$seed" <<'PY'
import glob, os, random, sys
lines = []
for lang in ("de", "ru"):
    for p in sorted(glob.glob(f"x/usr/share/games/fortunes/{lang}/*")):
        if p.endswith(".dat") or os.path.islink(p) or not os.path.isfile(p):
            continue
        try:
            text = open(p, encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        for f in text.split("\n%\n"):
            s = " ".join(f.split())
            if s and s != "%":
                lines.append(s)
random.Random(int(sys.argv[2])).shuffle(lines)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
words = sum(len(s.split()) for s in lines)
print(f"corpus: {len(lines)} sentences, {words} words, {sum(len(s.encode()) for s in lines)} bytes", file=sys.stderr)
PY
echo "$order" > "$out.order"
