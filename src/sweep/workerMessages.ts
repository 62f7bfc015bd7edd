import type {Calibrated} from "./calibrate.ts";
import type {ExperimentConfig} from "./config.ts";
import type {PreparedDataset, QuestionRows, QuestionWorkerOptions} from "./questionWorker.ts";

/** What a sweep sends a worker process (over the IPC channel, structured-cloned). */
export type ToWorker =
  | {type: "open"; config: ExperimentConfig; configFile: string; pair: number; options: Omit<QuestionWorkerOptions, "onInfo">}
  | {type: "prepare"; dataset: number; calibration?: Calibrated[]}
  | {type: "run"; id: number; dataset: number; question: number}
  | {type: "close"};

/** An error as it crosses the channel: whether it is the user's to fix (TlrError, exit code 2) or a bug. */
export interface WireError {
  message: string;
  tlr: boolean;
  stack?: string;
}

/** What a worker process answers. */
export type FromWorker =
  | {type: "opened"; metadata: unknown}
  | {type: "prepared"; dataset: number; prepared: PreparedDataset}
  | {type: "started"; id: number; promptTokens: number}
  | {type: "rows"; id: number; rows: QuestionRows}
  | {type: "info"; message: string}
  | {type: "failed"; id?: number; error: WireError}
  | {type: "closed"};
