#!/usr/bin/env bash
# Submit the map (a job array of N shards) and the merge that waits for it.
# usage: contrib/slurm-submit.sh CORPUS OUT [N]
set -euo pipefail
corpus=${1:?corpus}
out=${2:?output folder}
n=${3:-16}
here=$(dirname "$0")
map=$(sbatch --parsable --array="1-$n" "$here/slurm.sbatch" "$corpus" "$out")
sbatch --dependency="afterok:$map" --export="ALL,BOKASHI_MERGE=$n" "$here/slurm.sbatch" "$corpus" "$out"
