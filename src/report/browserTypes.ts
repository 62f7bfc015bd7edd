// The data the report embeds for its question browser: written by browserData.ts (Node), read by
// browser/ (the page). Types only, so both sides share them.

/** One run of a results folder: a router at one τ on a dataset and pair (a summary row's key). */
export interface BrowserRun {
  folder: number;
  dataset: string;
  split: string;
  task: string;
  pair: string;
  router: string;
  routerKind: string;
  threshold: number;
  target: number | null;
}

/** A question's outcome under one run. */
export interface BrowserOutcome {
  /** Index into `BrowserData.runs`. */
  run: number;
  extracted: string | null;
  rule: string;
  correct: boolean;
  error: string | null;
  /** Token rows of this run (its packed block's length; 0 for an error). */
  tokens: number;
  largeTokens: number;
  largeCalls: number;
  bytesUp: number;
  totalMs: number;
  stopReason: string;
}

export interface BrowserQuestion {
  folder: number;
  dataset: string;
  pair: string;
  index: number;
  id: string;
  /** The prompt text; null for results written before tlr recorded it. */
  prompt: string | null;
  promptTokens: number;
  gold: string | null;
  outcomes: BrowserOutcome[];
  /** Index into `BrowserData.blobs`: the outcomes' token rows, packed (`tokenBlob.ts`), gzipped, base64. */
  blob: number;
}

/** Everything the report's question browser shows, from the results files alone. */
export interface BrowserData {
  folders: string[];
  runs: BrowserRun[];
  questions: BrowserQuestion[];
  /** The distinct (token id, piece) pairs of every run: packed tokens index into these. */
  dictionary: {ids: number[]; pieces: string[]};
  /** 32-bit dictionary indices (more than 65,535 distinct pairs). */
  wide: boolean;
  blobs: string[];
}

/**
 * A `BrowserOutcome` as the page carries it: [run, extracted, rule, correct (1/0), error,
 * tokens, largeTokens, largeCalls, bytesUp, totalMs, stopReason], with rule and stopReason as
 * indices into `BrowserDataWire.strings`.
 */
export type OutcomeTuple = [number, string | null, number, number, string | null, number, number, number, number, number, number];

/** `BrowserData` as the page embeds it (browserWire.ts packs and unpacks it). */
export interface BrowserDataWire extends Omit<BrowserData, "questions"> {
  strings: string[];
  questions: (Omit<BrowserQuestion, "outcomes"> & {outcomes: OutcomeTuple[]})[];
}
