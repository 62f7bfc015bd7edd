#!/bin/bash
# One shard of a tlr sweep per Slurm array task: `tlr sweep --shard auto` reads its shard from
# SLURM_ARRAY_TASK_ID / _MIN / _STEP / _COUNT, so the array's range alone decides the split
# (--array=0-7 or 1-8: 8 shards). Each task writes results/<name>/shard-<i>-of-<n>/ in the
# submission directory (a shared filesystem); a requeued or resubmitted task resumes its shard
# where it stopped. Merge the shards afterwards (submit.sh submits both steps):
#
#   sbatch --array=0-7 deploy/slurm/sweep-array.sh experiments/quickstart.json
#   npx tlr merge results/quickstart/shard-*-of-8 --out results/quickstart
#
# tlr gives each model the cores Slurm allots the task (--cpus-per-task; it reads the CPU
# affinity), and runs `workers` processes within it as the config or --workers says.
#SBATCH --job-name=tlr-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --output=slurm-%x-%A_%a.out
set -euo pipefail
config=${1:?usage: sbatch --array=0-N deploy/slurm/sweep-array.sh CONFIG.json [more tlr sweep flags]}
shift
cd "${SLURM_SUBMIT_DIR:-.}"
exec npx tlr sweep "$config" --shard auto "$@"
