import type {NextOptions, NextResult, TokenModel} from "../models/TokenModel.ts";
import type {Token} from "../core/Prediction.ts";

/** Model work actually done (memo misses), for benchmarks and progress. */
export interface ModelWork {
  calls: number;
  /** Tokens evaluated in final batches. */
  evaluated: number;
  /** Tokens re-evaluated to restore another run's batch history. */
  replayed: number;
}

/**
 * One question's predictions, keyed by the generated ids (and, for a model called with cuts,
 * by its batch history), so every router and threshold that reaches the same state shares one
 * evaluation. A memo belongs to one prompt and one model.
 */
export class PredictionMemo {
  private readonly results = new Map<string, NextResult>();
  readonly work: ModelWork = {calls: 0, evaluated: 0, replayed: 0};

  constructor(
    private readonly model: TokenModel,
    private readonly promptLength: number,
  ) {}

  async next(transcript: readonly Token[], options?: NextOptions): Promise<NextResult> {
    let key = transcript.slice(this.promptLength).join(",");
    if (options?.cuts) key += `|${options.cuts.join(",")}`;
    const hit = this.results.get(key);
    if (hit) return hit;
    const result = await this.model.next(transcript, options);
    this.work.calls++;
    if (!result.fromState) this.work.evaluated += result.evaluated;
    this.work.replayed += result.replayed;
    this.results.set(key, result);
    return result;
  }
}
