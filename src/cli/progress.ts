import type {SweepProgress} from "../sweep/runSweep.ts";
import type {CliIO} from "./io.ts";

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Progress on stderr: one line rewritten in place on a terminal; otherwise (CI, logs) a line per
 * 10% of the questions, so logs stay short.
 */
export function progressPrinter(io: CliIO): {update(p: SweepProgress): void; end(): void} {
  const tty = Boolean(io.stderr.isTTY);
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      const rate = p.elapsedMs > 0 ? (1000 * p.tokens) / p.elapsedMs : 0;
      const eta = p.done > 0 ? ((p.total - p.done) * p.elapsedMs) / p.done : 0;
      const line = `[${p.pair} · ${p.dataset}] ${p.done}/${p.total} questions · ${Math.round(rate)} tokens/s · ${duration(p.elapsedMs)} elapsed · ETA ${duration(eta)}`;
      if (tty) {
        io.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          io.stderr.write(`${line}\n`);
        }
      }
    },
    end() {
      if (drawn) io.stderr.write("\n");
      drawn = false;
    },
  };
}
