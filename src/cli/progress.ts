import type {SweepProgress} from "../sweep/runSweep.ts";
import type {CliIO} from "./io.ts";

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const BAR = 24;

/** `██████░░░░` for done/total. */
export function bar(done: number, total: number): string {
  const full = total > 0 ? Math.round((BAR * done) / total) : BAR;
  return `${"█".repeat(full)}${"░".repeat(BAR - full)}`;
}

/**
 * Progress on stderr. On a terminal, a live bar rewritten in place: done/total, tokens/s, elapsed,
 * ETA and errors so far. Otherwise (a pipe, CI, a log) plain lines, one per 10% of the questions,
 * so logs stay short. Hand-written rather than a progress-bar package: it is one line, and `end()`
 * must let the sweep's own messages (resuming, calibration, warnings) print between updates.
 */
export function progressPrinter(io: CliIO): {update(p: SweepProgress): void; end(): void} {
  const tty = Boolean(io.stderr.isTTY);
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      const rate = p.elapsedMs > 0 ? (1000 * p.tokens) / p.elapsedMs : 0;
      const eta = p.done > 0 ? ((p.total - p.done) * p.elapsedMs) / p.done : 0;
      const errors = p.errors > 0 ? ` · ${p.errors} with errors` : "";
      const figures = `${p.done}/${p.total} questions · ${Math.round(rate)} tokens/s · ${duration(p.elapsedMs)} elapsed · ETA ${duration(eta)}${errors}`;
      if (tty) {
        io.stderr.write(`\r\x1b[2K[${p.pair} · ${p.dataset}] ${bar(p.done, p.total)} ${figures}`);
        drawn = true;
      } else {
        const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          io.stderr.write(`[${p.pair} · ${p.dataset}] ${figures}\n`);
        }
      }
    },
    end() {
      if (drawn) io.stderr.write("\n");
      drawn = false;
    },
  };
}
