import type {Token} from "../core/Prediction.ts";
import type {NextResult, TokenModel, TurnOptions, TurnResult} from "./TokenModel.ts";

/**
 * A turn made of `next` calls, for backends without their own: each step predicts after the
 * transcript so far with the batch history extended by the previous step, exactly the batches a
 * server generating the turn in one request evaluates.
 */
export async function generateTurn(model: TokenModel, transcript: readonly Token[], options: TurnOptions): Promise<TurnResult> {
  if (!Number.isInteger(options.max) || options.max < 1) throw new Error(`a turn writes at least one token, got max ${options.max}`);
  const steps: NextResult[] = [];
  const seq = [...transcript];
  let cuts = options.cuts ? [...options.cuts] : undefined;
  let ms = 0, evaluated = 0;
  for (let i = 0; i < options.max; i++) {
    const step: NextResult = i === 0 && options.first ? options.first : await model.next(seq, cuts ? {cuts} : {});
    steps.push(step);
    ms += step.ms;
    evaluated += step.evaluated;
    const id = step.prediction.token;
    if (turnEnds(step, options)) break;
    if (cuts) cuts = [...cuts, seq.length];
    seq.push(id);
  }
  return {steps, ms, evaluated};
}

/** Whether a turn ends after this step: an end-of-generation id, or (stitch) a confident token. */
export function turnEnds(step: NextResult, options: Pick<TurnOptions, "confident" | "stopIds">): boolean {
  const p = step.prediction;
  if (options.stopIds?.includes(p.token)) return true;
  return options.confident !== undefined && p.maxProb >= options.confident;
}
