#!/usr/bin/env bash
# bokashi benchmark: tokenizer alone vs the full pipeline, on generated corpora.
#
# usage: bench/run.sh [SIZE_MB ...]          (default: 20)
# env:   RUNS=N     runs per measurement, medians reported (default 3)
#        WORK=DIR   where corpora and outputs go (default /tmp/bokashi-bench)
#        KINDS="ring zipf"  which corpora (ring: the sample's lines; zipf: growing vocabulary)
#
# For each corpus it measures, side by side in one run:
#   (a) `bokashi segment`  lindera segmentation alone, all threads, no output, through
#       the pipeline's own lattice-direct worker (exactly the tokenization (b) does)
#   (L) `bokashi segment --lindera-api`  the same through lindera's public SegmentWorker
#       (what a plain lindera user gets; same tokens)
#   (b) `bokashi analyze`  the full pipeline and every table, all threads
#   (c) `bokashi analyze --jobs 1`, for the 2-thread scaling
# and prints medians of wall time, MB/s, peak RSS (GNU time), the ratio (b)/(a) of
# throughputs, the ratio (b)/(L), and the per-stage seconds of (b) (from run.json).
# Needs /usr/bin/time (Debian package `time`) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/bokashi-bench}
KINDS=${KINDS:-ring zipf}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(20)
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release -q
BIN=$PWD/target/release/bokashi
mkdir -p "$WORK"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# run LABEL CMD... : RUNS times under GNU time; prints "wall_median rss_median_kb"
measure() {
  local walls=() rss=()
  local t
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$WORK/time.txt" || true
    t=$(tail -1 "$WORK/time.txt")
    walls+=("${t% *}"); rss+=("${t#* }")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rss[@]}" | median)"
}

printf '%-10s %8s | %-22s | %-13s | %-22s | %-22s | %7s %7s %7s\n' corpus MB "segment (a) s MB/s RSS" "lindera-api (L)" "analyze (b) s MB/s RSS" "analyze -j1 s MB/s RSS" "(b)/(a)" "(b)/(L)" "2t/1t"
for size in "${SIZES[@]}"; do
  for kind in $KINDS; do
    dir="$WORK/${kind}_${size}MB"
    if [ ! -d "$dir" ]; then
      if [ "$kind" = zipf ]; then python3 bench/make_corpus.py "$size" "$dir" --zipf >/dev/null
      else python3 bench/make_corpus.py "$size" "$dir" >/dev/null; fi
    fi
    bytes=$(cat "$dir"/*.txt | wc -c)
    mb=$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b/1e6}')
    read -r sw sr < <(measure "$BIN" segment "$dir")
    read -r lw _ < <(measure "$BIN" segment --lindera-api "$dir")
    read -r aw ar < <(measure "$BIN" analyze "$dir" -o "$WORK/out" -q)
    read -r jw jr < <(measure "$BIN" analyze "$dir" -o "$WORK/out1" -q --jobs 1)
    "$BIN" analyze "$dir" -o "$WORK/out" -q --timings 2>"$WORK/stages.txt" >/dev/null
    printf '%-10s %8s | %6.2f %6.2f %7.0fMB | %6.2f %6.2f | %6.2f %6.2f %7.0fMB | %6.2f %6.2f %7.0fMB | %7.2f %7.2f %7.2f\n' \
      "$kind" "$mb" \
      "$sw" "$(awk -v m="$mb" -v t="$sw" 'BEGIN{print m/t}')" "$(awk -v r="$sr" 'BEGIN{print r/1024}')" \
      "$lw" "$(awk -v m="$mb" -v t="$lw" 'BEGIN{print m/t}')" \
      "$aw" "$(awk -v m="$mb" -v t="$aw" 'BEGIN{print m/t}')" "$(awk -v r="$ar" 'BEGIN{print r/1024}')" \
      "$jw" "$(awk -v m="$mb" -v t="$jw" 'BEGIN{print m/t}')" "$(awk -v r="$jr" 'BEGIN{print r/1024}')" \
      "$(awk -v a="$aw" -v s="$sw" 'BEGIN{print s/a}')" "$(awk -v a="$aw" -v l="$lw" 'BEGIN{print l/a}')" \
      "$(awk -v a="$aw" -v j="$jw" 'BEGIN{print j/a}')"
    sed 's/^bokashi: timings: /           stages (one run): /' "$WORK/stages.txt"
  done
done
