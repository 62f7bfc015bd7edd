import {TokenMarker} from "../decoding/markTokens.ts";
import type {RunStats, TokenRecord} from "../decoding/types.ts";

const RED = "\x1b[31m";
const RESET = "\x1b[0m";

/**
 * Streams generated text with the large model's tokens marked: red on a terminal (as the
 * paper's demo showed them), [brackets] when piped. Consecutive large tokens share one mark
 * (`TokenMarker`: the report and the demo page mark the same way).
 */
export class MarkedTextWriter {
  private readonly marker: TokenMarker<Pick<TokenRecord, "piece" | "source">>;
  constructor(write: (s: string) => void, color: boolean) {
    this.marker = new TokenMarker({
      open: () => write(color ? RED : "["),
      piece: (r) => write(r.piece),
      close: () => write(color ? RESET : "]"),
    });
  }

  push(record: Pick<TokenRecord, "piece" | "source">): void {
    this.marker.push(record);
  }

  end(): void {
    this.marker.end();
  }
}

export function markText(records: readonly Pick<TokenRecord, "piece" | "source">[], color: boolean): string {
  let out = "";
  const w = new MarkedTextWriter((s) => (out += s), color);
  for (const r of records) w.push(r);
  w.end();
  return out;
}

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);

/** The run's figures as a few human-readable lines. */
export function formatStats(s: RunStats, rttMs: number): string {
  return [
    `tokens ${s.generated} · from large ${s.largeTokens} (${(100 * s.uploadFraction).toFixed(1)}% uploaded) · large calls ${s.largeCalls}${s.probes ? ` · oracle probes ${s.probes}` : ""} · stop: ${s.stopReason}`,
    `TTFT ${ms(s.ttftMs)} · TBT ${ms(s.tbtMs)} · small ${ms(s.smallMs)} · large ${ms(s.largeMs)} · network ${ms(s.networkMs)} (simulated, RTT ${rttMs} ms) · overall ${ms(s.totalMs)} · wall ${ms(s.wallMs)}`,
    `bytes up ${s.bytesUp} · down ${s.bytesDown} · evaluated: small ${s.smallEvaluated}, large ${s.largeEvaluated} tokens`,
    ...(s.wire
      ? [
          `measured: ${s.wire.requests} requests · up ${s.wire.bytesUp} B · down ${s.wire.bytesDown} B (bodies ${s.wire.bodyBytesUp} / ${s.wire.bodyBytesDown}) · HTTP ${ms(s.wire.ms)}` +
            (s.wire.retries || s.wire.resends ? ` · retries ${s.wire.retries} · session resends ${s.wire.resends}` : ""),
        ]
      : []),
  ].join("\n");
}
