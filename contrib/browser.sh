#!/usr/bin/env bash
# report.html in a real browser (run by .ci/run): headless Chromium renders the sample
# corpus's report and the development set's; the script of the page must have run
# (data-sortable="ready" in the rendered DOM), every section must be in it, and the
# screenshots (target/report-screenshots/*.png) must be real PNGs. Fails if Chromium is
# missing: this check is the point.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BOKASHI:-${CARGO_TARGET_DIR:-target}/debug/bokashi}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "contrib/browser.sh: no chromium on PATH (apt-get install chromium)" >&2
  exit 1
fi
shots=${CARGO_TARGET_DIR:-target}/report-screenshots
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
  --user-data-dir="$work/profile")
check() {
  local name=$1 input=$2
  "$bin" analyze "$input" -o "$work/$name" -q
  local page="file://$work/$name/report.html"
  "$browser" "${flags[@]}" --dump-dom "$page" 2>/dev/null >"$work/$name.dom"
  grep -q 'data-sortable="ready"' "$work/$name.dom" || {
    echo "$name: the page's script did not run" >&2
    exit 1
  }
  for id in overview stance cues terms network numbers compliance; do
    grep -q "<section id=\"$id\"" "$work/$name.dom" || {
      echo "$name: no section #$id in the rendered page" >&2
      exit 1
    }
  done
  "$browser" "${flags[@]}" --window-size=1200,9000 --screenshot="$shots/$name.png" "$page" \
    >/dev/null 2>&1
  head -c 8 "$shots/$name.png" | od -An -c | grep -q 'P   N   G' || {
    echo "$name: no screenshot" >&2
    exit 1
  }
  echo "contrib/browser.sh: $name rendered by $("$browser" --version 2>/dev/null), $(wc -c <"$shots/$name.png") byte screenshot in $shots/$name.png"
}
check sample corpus
if [ -d ../shared/dev/texts ]; then
  check dev ../shared/dev/texts
fi
