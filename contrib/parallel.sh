#!/usr/bin/env bash
# bokashi on GNU parallel: N shards, J at a time, then the exact merge.
#
# usage: contrib/parallel.sh CORPUS OUT [N] [J] [-- extra analyze options]
#   CORPUS  the input (folder or table), the same for every shard
#   OUT     the tables; the parts go to OUT.parts/part_K
#   N       shards (default 8); J jobs at once (default: one per core)
# Over machines: add `--sshloginfile FILE --workdir ...` to the parallel line (the corpus
# and OUT.parts must be on a shared file system, or transfer them with --transferfile and
# --return), then run the merge where the parts are.
set -euo pipefail
corpus=${1:?corpus}
out=${2:?output folder}
n=${3:-8}
jobs=${4:-0}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
bokashi=${BOKASHI:-bokashi}
parts="$out.parts"
mkdir -p "$parts"
# Each shard is one process; a shard uses one thread, so J processes fill J cores.
seq 1 "$n" | parallel --will-cite --halt now,fail=1 --jobs "${jobs/#0/100%}" \
  "$bokashi" analyze "$corpus" --shard "{}/$n" --jobs 1 -q -o "$parts/part_{}" "$@"
mapfile -t part_dirs < <(seq 1 "$n" | sed "s|^|$parts/part_|")
"$bokashi" merge "${part_dirs[@]}" -o "$out"
