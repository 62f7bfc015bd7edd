#!/bin/bash
# Submits a sweep as a Slurm job array of SHARDS tasks and a merge job that runs once every
# task has succeeded (afterok). Run from the project's root on the cluster's login node:
#
#   deploy/slurm/submit.sh experiments/quickstart.json 8
#
# A failed task leaves the merge job pending (DependencyNeverSatisfied): resubmit the failed
# indices (sbatch --array=3,5 … resumes them), then `npx tlr merge` by hand, or scancel the merge
# job and run this again: finished shards are skipped.
set -euo pipefail
config=${1:?usage: deploy/slurm/submit.sh CONFIG.json [SHARDS]}
shards=${2:-8}
name=$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.name)' "$config")
array=$(sbatch --parsable --array="0-$((shards - 1))" deploy/slurm/sweep-array.sh "$config")
array=${array%%;*} # --parsable prints "jobid[;cluster]"
sbatch --dependency="afterok:$array" --job-name=tlr-merge --output="slurm-%x-%j.out" \
  --wrap "npx tlr merge results/$name/shard-*-of-$shards --out results/$name"
echo "submitted array job $array ($shards shards of $config) and its merge into results/$name"
