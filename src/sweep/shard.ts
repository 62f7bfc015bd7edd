import type {Shard} from "../results/sweepState.ts";
import {TlrError} from "../util/errors.ts";

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new TlrError(`--shard "${text}": write i/n with 1 ≤ i ≤ n, e.g. 2/4`);
  return {index, count};
}

export function inShard(questionIndex: number, shard: Shard | undefined): boolean {
  return !shard || questionIndex % shard.count === shard.index - 1;
}
