import type {WireUse} from "../models/TokenModel.ts";
import {countLog, type DecodeEvent} from "./events.ts";
import type {Timeline} from "./timeline.ts";
import type {RunStats, StopReason, TokenRecord} from "./types.ts";

/**
 * A run's figures: token counts from the records, work and bytes from the event log, latency
 * from the timeline (its replay).
 */
export function runStats(records: readonly TokenRecord[], events: readonly DecodeEvent[], timeline: Timeline, stopReason: StopReason, wallMs: number): RunStats {
  const counts = countLog(events);
  const {largeTokens, verified, probes, fallbacks} = tokenCounts(records);
  const n = records.length;
  const wire = sumWire(records);
  return {
    generated: n,
    largeTokens,
    verified,
    uploadFraction: n === 0 ? 0 : (largeTokens + verified) / n,
    largeCalls: counts.calls,
    fallbacks,
    discarded: counts.discarded,
    speculativeSteps: timeline.speculativeSteps,
    probes,
    ttftMs: timeline.ttftMs,
    tbtMs: timeline.tbtMs,
    smallMs: timeline.smallMs,
    largeMs: timeline.largeMs,
    networkMs: timeline.networkMs,
    routerMs: timeline.routerMs,
    totalMs: timeline.totalMs,
    wallMs,
    bytesUp: counts.bytesUp,
    bytesDown: counts.bytesDown,
    smallEvaluated: counts.smallEvaluated,
    largeEvaluated: counts.largeEvaluated,
    stopReason,
    ...(wire ? {wire} : {}),
  };
}

function tokenCounts(records: readonly TokenRecord[]) {
  let largeTokens = 0, verified = 0, probes = 0, fallbacks = 0;
  for (const r of records) {
    if (r.source === "large") largeTokens++;
    if (r.verified) verified++;
    else if (r.large && r.source === "small") probes++; // the oracle peeked but kept the small token
    if (r.fallback) fallbacks++;
  }
  return {largeTokens, verified, probes, fallbacks};
}

/**
 * Per-run figures from the per-token records alone, for the token policy (one request per routed
 * token, nothing overlapping): the sums the event log gives for such a run.
 */
export function summarizeRecords(records: readonly TokenRecord[], stopReason: StopReason, wallMs: number): RunStats {
  let smallMs = 0, largeMs = 0, networkMs = 0, routerMs = 0;
  let bytesUp = 0, bytesDown = 0, smallEvaluated = 0, largeEvaluated = 0;
  const {largeTokens, verified, probes, fallbacks} = tokenCounts(records);
  for (const r of records) {
    smallMs += r.smallMs;
    largeMs += r.largeMs;
    networkMs += r.netMs;
    routerMs += r.routerMs;
    bytesUp += r.bytesUp;
    bytesDown += r.bytesDown;
    smallEvaluated += r.smallEvaluated;
    largeEvaluated += r.largeEvaluated;
  }
  const n = records.length;
  const wire = sumWire(records);
  const first = records[0]?.tMs ?? 0;
  const last = records.at(-1)?.tMs ?? 0;
  return {
    generated: n,
    largeTokens,
    verified,
    uploadFraction: n === 0 ? 0 : (largeTokens + verified) / n,
    largeCalls: largeTokens,
    fallbacks,
    discarded: 0,
    speculativeSteps: 0,
    probes,
    ttftMs: first,
    tbtMs: n > 1 ? (last - first) / (n - 1) : 0,
    smallMs,
    largeMs,
    networkMs,
    routerMs,
    totalMs: smallMs + routerMs + largeMs + networkMs,
    wallMs,
    bytesUp,
    bytesDown,
    smallEvaluated,
    largeEvaluated,
    stopReason,
    ...(wire ? {wire} : {}),
  };
}

/** Sums the measured traffic of the records that have it; undefined when none has. */
export function sumWire(records: readonly {wire?: WireUse}[]): WireUse | undefined {
  let sum: WireUse | undefined;
  for (const {wire} of records) {
    if (!wire) continue;
    sum ??= {requests: 0, bytesUp: 0, bytesDown: 0, bodyBytesUp: 0, bodyBytesDown: 0, ms: 0, retries: 0, resends: 0};
    for (const k of ["requests", "bytesUp", "bytesDown", "bodyBytesUp", "bodyBytesDown", "ms", "retries", "resends"] as const) sum[k] += wire[k];
    if (wire.serverEvaluated !== undefined) sum.serverEvaluated = (sum.serverEvaluated ?? 0) + wire.serverEvaluated;
  }
  return sum;
}
