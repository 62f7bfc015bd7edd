import type {WireUse} from "../models/TokenModel.ts";
import type {RunStats, StopReason, TokenRecord} from "./types.ts";

/** Per-run figures from the per-token records (the records are the truth; these are sums). */
export function summarizeRecords(records: readonly TokenRecord[], stopReason: StopReason, wallMs: number): RunStats {
  let largeTokens = 0, probes = 0, smallMs = 0, largeMs = 0, networkMs = 0, routerMs = 0;
  let bytesUp = 0, bytesDown = 0, smallEvaluated = 0, largeEvaluated = 0;
  for (const r of records) {
    if (r.source === "large") largeTokens++;
    if (r.large && r.source === "small") probes++; // the oracle peeked but kept the small token
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
    uploadFraction: n === 0 ? 0 : largeTokens / n,
    largeCalls: largeTokens,
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
