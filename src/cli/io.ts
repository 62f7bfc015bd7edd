import {InvalidArgumentError} from "commander";

/** Where a command writes: injectable so tests can capture output in-process. */
export interface CliIO {
  stdout: {write(text: string): unknown; isTTY?: boolean};
  stderr: {write(text: string): unknown; isTTY?: boolean};
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {stdout: process.stdout, stderr: process.stderr, env: process.env};

/** Colour on a terminal unless NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(io: CliIO): boolean {
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== "0") return true;
  if (io.env.NO_COLOR) return false;
  return Boolean(io.stdout.isTTY);
}

/** Commander argument parsers: a bad value becomes a one-line usage error (exit 2). */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number.`);
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer.`);
  return n;
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer.`);
  return n;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A repeatable token-id flag (`--stop-token 151643 --stop-token 151645`). */
export function collectTokenId(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a token id (a non-negative integer).`);
  return [...previous, n];
}

/** JSON with ±Infinity and NaN written as strings (JSON has no literal for them), typed arrays as arrays. */
export function toJson(value: unknown, indent?: number): string {
  // Typed arrays (hidden states) as plain arrays, not {"0": …} objects.
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v instanceof Float32Array ? Array.from(v) : v), indent);
}
