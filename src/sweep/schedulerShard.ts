import {TlrError} from "../util/errors.ts";
import type {Shard} from "../results/sweepState.ts";

/** A shard read from a cluster scheduler's environment, and which scheduler it came from. */
export interface SchedulerShard extends Shard {
  scheduler: "slurm" | "kubernetes";
  /** The variables it was read from, for messages and provenance. */
  from: string;
}

const KUBERNETES_COUNT = "TLR_SHARD_COUNT";

/**
 * `--shard auto`: this task's shard of a job array, from the variables its scheduler sets.
 *
 * - **Slurm job array** (`sbatch --array=0-7` or `1-8`, or `0-15:2`): `SLURM_ARRAY_TASK_ID`,
 *   `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_STEP` and `SLURM_ARRAY_TASK_COUNT` (Slurm sets all of
 *   them in every task). Shard (id − min) / step + 1 of count. Arrays with gaps (`--array=1,3,8`)
 *   cannot be mapped onto shards and are refused.
 * - **Kubernetes Indexed Job** (`completionMode: Indexed`): `JOB_COMPLETION_INDEX` (0-based, set by
 *   the Job controller). A pod is not told the Job's `completions`, so the manifest passes it as
 *   `TLR_SHARD_COUNT` (deploy/k8s/sweep-indexed-job.yaml).
 *
 * Slurm wins when both are present (a Slurm task inside a container that also has the Kubernetes
 * variables is unlikely, but a stale `SLURM_*` in a pod is not: the error says which was read).
 */
export function shardFromScheduler(env: NodeJS.ProcessEnv = process.env): SchedulerShard {
  if (env.SLURM_ARRAY_TASK_ID !== undefined) return slurmShard(env);
  if (env.JOB_COMPLETION_INDEX !== undefined) return kubernetesShard(env);
  throw new TlrError(
    "--shard auto: no job array in the environment (neither Slurm's SLURM_ARRAY_TASK_ID nor a Kubernetes Indexed Job's JOB_COMPLETION_INDEX is set); run it as an array task or give --shard i/n",
  );
}

function integer(env: NodeJS.ProcessEnv, name: string, from: string): number {
  const text = env[name];
  if (text === undefined) throw new TlrError(`--shard auto: ${from} is set but ${name} is not; is this a ${from.startsWith("SLURM") ? "Slurm job array task" : "Kubernetes Indexed Job pod"}?`);
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new TlrError(`--shard auto: ${name}="${text}" is not a non-negative integer`);
  return n;
}

function slurmShard(env: NodeJS.ProcessEnv): SchedulerShard {
  const from = "SLURM_ARRAY_TASK_ID";
  const id = integer(env, "SLURM_ARRAY_TASK_ID", from);
  const min = integer(env, "SLURM_ARRAY_TASK_MIN", from);
  const max = integer(env, "SLURM_ARRAY_TASK_MAX", from);
  const count = integer(env, "SLURM_ARRAY_TASK_COUNT", from);
  // Slurm leaves SLURM_ARRAY_TASK_STEP out of some versions' environments for step 1.
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : integer(env, "SLURM_ARRAY_TASK_STEP", from);
  if (step < 1 || count < 1 || max < min || id < min || id > max) {
    throw new TlrError(`--shard auto: inconsistent Slurm array variables (task ${id} of ${min}-${max}:${step}, count ${count})`);
  }
  if ((max - min) / step + 1 !== count || (id - min) % step !== 0) {
    throw new TlrError(
      `--shard auto: the Slurm array ${min}-${max}:${step} has ${count} tasks, not a regular range: submit a range such as --array=0-${count - 1} (a list with gaps cannot be mapped onto shards), or give --shard i/n`,
    );
  }
  return {index: (id - min) / step + 1, count, scheduler: "slurm", from: `SLURM_ARRAY_TASK_ID=${id} of ${min}-${max}:${step}`};
}

function kubernetesShard(env: NodeJS.ProcessEnv): SchedulerShard {
  const index = integer(env, "JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX");
  if (env[KUBERNETES_COUNT] === undefined) {
    throw new TlrError(
      `--shard auto: JOB_COMPLETION_INDEX is set but a pod is not told the Job's completions: add env ${KUBERNETES_COUNT} (equal to spec.completions) to the container, as deploy/k8s/sweep-indexed-job.yaml does`,
    );
  }
  const count = integer(env, KUBERNETES_COUNT, "JOB_COMPLETION_INDEX");
  if (count < 1 || index >= count) throw new TlrError(`--shard auto: JOB_COMPLETION_INDEX=${index} is not below ${KUBERNETES_COUNT}=${count}; set ${KUBERNETES_COUNT} to the Job's spec.completions`);
  return {index: index + 1, count, scheduler: "kubernetes", from: `JOB_COMPLETION_INDEX=${index} of ${KUBERNETES_COUNT}=${count}`};
}
