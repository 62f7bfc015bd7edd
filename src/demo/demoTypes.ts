// What the demo server and its page exchange (types only: the server and browser/ share them).
import type {RunStats, TokenRecord} from "../decoding/types.ts";
import type {POLICY_KINDS} from "../decoding/policy.ts";

/** The simulated network a request runs under (decoding/network.ts's NetworkModel, without its jitter: that file is not a page's). */
export interface DemoNetwork {
  rttMs: number;
  upMbps: number;
  downMbps: number;
}

/** A router the page offers: a built-in kind, or a learned router file given at start. */
export interface DemoRouter {
  /** What a request names it by: the kind, or "file:N" for the N-th router file. */
  id: string;
  name: string;
  description: string;
  /** τ the control starts at. */
  threshold: number;
  /** The kind fixes τ (the baselines, the oracle): the control is disabled. */
  fixed: boolean;
}

/** A question of the demo's dataset the page can pick. */
export interface DemoQuestion {
  id: string;
  prompt: string;
  gold: string | null;
}

/** GET /api/info. */
export interface DemoInfo {
  pair: {name: string; small: string; large: string};
  routers: DemoRouter[];
  /** The library's policy kinds with their parameters (`POLICY_KINDS`): the page builds its policy controls from them. */
  policies: typeof POLICY_KINDS;
  defaults: {router: string; threshold: number; policy: string; maxTokens: number; maxTokensLimit: number; network: DemoNetwork};
  dataset: {name: string; split: string; task: string; questions: DemoQuestion[]} | null;
}

/** POST /api/generate. Exactly one of `prompt` and `question` (an index into the dataset's questions). */
export interface DemoRequest {
  prompt?: string;
  question?: number;
  router: string;
  threshold: number;
  /** A policy name as `parsePolicy` reads it: `token`, or a kind with its parameters (`span:4+optimistic`). */
  policy: string;
  maxTokens: number;
  network: DemoNetwork;
  /** "clock": send each token when the simulated clock reaches it (the network as a user would feel it); "compute": as soon as it is decoded. */
  pace: "clock" | "compute";
}

/** The stream's events (server-sent events; ±Infinity travel as the strings "Infinity" and "-Infinity"). */
export interface DemoEvents {
  start: {promptTokens: number; router: string; threshold: number; policy: string; key: string};
  token: TokenRecord;
  done: {stats: RunStats; text: string; answer: {extracted: string | null; rule: string; gold: string | null; correct: boolean} | null};
  error: {message: string};
}
