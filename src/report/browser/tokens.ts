import type {BrowserData, BrowserQuestion} from "../browserTypes.ts";
import {unpackRuns, type UnpackedRun} from "../tokenBlob.ts";
import type {TokenView} from "./markedTokens.ts";

/** A run's tokens, decoded: ids (the truth), pieces, sources and router scores. */
export interface DecodedRun {
  ids: number[];
  views: TokenView[];
  scores: Float32Array;
}

const decoded = new Map<number, Promise<DecodedRun[]>>();

/**
 * The token rows of a question's runs (in `question.outcomes` order), decoded when the question
 * is first shown: base64 → gunzip (the browser's own DecompressionStream) → unpack. Nothing is
 * decoded at load, so the page is interactive however many tokens the report holds.
 */
export function questionTokens(data: BrowserData, question: BrowserQuestion): Promise<DecodedRun[]> {
  let runs = decoded.get(question.blob);
  if (!runs) {
    runs = inflate(data.blobs[question.blob]!).then((bytes) =>
      unpackRuns(bytes, question.outcomes.map((o) => o.tokens), data.wide).map((run) => view(data, run)),
    );
    decoded.set(question.blob, runs);
  }
  return runs;
}

async function inflate(base64: string): Promise<Uint8Array> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function view(data: BrowserData, run: UnpackedRun): DecodedRun {
  const ids: number[] = [];
  const views: TokenView[] = [];
  run.entries.forEach((entry, step) => {
    ids.push(data.dictionary.ids[entry]!);
    views.push({step, piece: data.dictionary.pieces[entry]!, source: run.large[step] ? "large" : "small"});
  });
  return {ids, views, scores: run.scores};
}
