import {loadZstd} from "./arrowCompression.ts";
import {consolidate} from "./consolidate.ts";
import {writePart} from "./parts.ts";
import {codeVersion, machineInfo} from "./provenance.ts";
import {questionKey, readFinished} from "./readFinished.ts";
import type {QuestionRow, SummaryRow, TokenRow} from "./schema.ts";
import {claimSweepFolder, readSweepState, type SweepState} from "./sweepState.ts";

/** What a part records besides its rows: the models and calibration it ran with, keyed as the results' metadata keys them. */
export interface PartProvenance {
  /** By pair name: what `openPair`'s `metadata()` says about its models. */
  models: Record<string, unknown>;
  /** By "pair|dataset": the thresholds chosen for target upload fractions. */
  calibration: Record<string, unknown>;
}

export interface FinishedQuestions {
  count: number;
  has(pair: string, dataset: string, questionIndex: number): boolean;
  /** Finished questions with at least one run recorded with an error (a large model unreachable). */
  errored: number;
  hasError(pair: string, dataset: string, questionIndex: number): boolean;
}

/**
 * A sweep's results folder, the only way a sweep touches it: `claim` it for one config and shard
 * (DIR/sweep.json), ask which questions are `finished`, `writePart` as questions complete (each
 * part atomic, with the code, machine and shard that wrote it), and `consolidate` the parts into
 * the three results files. `mergeSweeps` joins folders; `readResults` reads a finished one.
 */
export class ResultsStore {
  private stamp: {code: unknown; machine: unknown} | undefined;

  private constructor(
    readonly dir: string,
    private readonly shard: SweepState["shard"],
  ) {}

  /**
   * Creates `dir` for this sweep, or reopens it if it holds the same config and shard (else a
   * TlrError). Async because parts are written ZSTD-compressed, synchronously: this loads the
   * encoder (WebAssembly, once per process) so that `writePart` can.
   */
  static async claim(dir: string, state: SweepState): Promise<ResultsStore> {
    claimSweepFolder(dir, state);
    await loadZstd();
    return new ResultsStore(dir, state.shard);
  }

  /** An existing sweep folder (sweep.json required), to read; `writePart` needs `await loadZstd()` first (`claim` does it). */
  static open(dir: string): ResultsStore {
    return new ResultsStore(dir, readSweepState(dir).shard);
  }

  get state(): SweepState {
    return readSweepState(this.dir);
  }

  /** The questions already in the folder (its results files and parts): a killed sweep resumes after them. */
  finished(): FinishedQuestions {
    const finished = readFinished(this.dir, {tokens: false});
    const keys = new Set(finished.questions.map(questionKey));
    const key = (pair: string, dataset: string, questionIndex: number) => questionKey({pair, dataset, questionIndex});
    return {
      count: keys.size,
      has: (pair, dataset, questionIndex) => keys.has(key(pair, dataset, questionIndex)),
      errored: finished.errored.size,
      hasError: (pair, dataset, questionIndex) => finished.errored.has(key(pair, dataset, questionIndex)),
    };
  }

  /**
   * Writes finished questions as one part, stamped with this process's code, machine and shard.
   * With `replaces` (a rerun of errored questions) its rows replace the questions' earlier rows.
   */
  writePart(name: string, rows: {questions: QuestionRow[]; tokens: TokenRow[]}, provenance: PartProvenance, options: {replaces?: boolean} = {}): void {
    this.stamp ??= {code: codeVersion(), machine: machineInfo()}; // once per process: codeVersion runs git
    const part = {...this.stamp, shard: this.shard, models: provenance.models, calibration: provenance.calibration, ...(options.replaces ? {replaces: true} : {})};
    writePart(this.dir, name, {...rows, metadata: new Map([["tlr.part", JSON.stringify(part)]])});
  }

  /** Folds the parts into the results files (see `consolidate`) and returns the summary. */
  consolidate(): Promise<SummaryRow[]> {
    return consolidate(this.dir);
  }
}
