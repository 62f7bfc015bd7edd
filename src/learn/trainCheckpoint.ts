import {existsSync, readFileSync, renameSync, rmSync, writeFileSync} from "node:fs";
import type {TrainState} from "./trainNetwork.ts";

/*
 * A training's state after its last finished epoch, in one file beside the router file, so a
 * killed `tlr router train` (hours for an 896-wide MLP in this trainer) resumes at that epoch.
 * JSON with typed arrays as base64 of their bytes (little-endian, as every platform this runs on
 * stores them): exact, and ~1.3× the raw size. Written to a temporary name and renamed, so a kill
 * mid-write leaves the previous epoch's file.
 */

const TYPED = {f32: Float32Array, u32: Uint32Array} as const;

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return {$f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")};
  if (value instanceof Uint32Array) return {$u32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")};
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object") {
    for (const tag of ["f32", "u32"] as const) {
      const data = (value as Record<string, unknown>)[`$${tag}`];
      if (typeof data === "string") {
        const bytes = Buffer.from(data, "base64");
        return new TYPED[tag](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      }
    }
  }
  return value;
}

export interface FileCheckpoint {
  load(): TrainState | undefined;
  save(state: TrainState): void;
  remove(): void;
}

/**
 * The checkpoint at `path` for the training `key` (its data and options, hashed): a file of
 * another training is not resumed (`onInfo` says so, and it is overwritten after the first epoch).
 */
export function fileCheckpoint(path: string, key: string, onInfo?: (message: string) => void): FileCheckpoint {
  return {
    load() {
      if (!existsSync(path)) return undefined;
      let saved: {key?: string; state?: TrainState};
      try {
        saved = JSON.parse(readFileSync(path, "utf8"), reviver) as typeof saved;
      } catch {
        onInfo?.(`${path} is unreadable: training from the start`);
        return undefined;
      }
      if (saved.key !== key || !saved.state) {
        onInfo?.(`${path} holds another training (other data or options): training from the start`);
        return undefined;
      }
      onInfo?.(`resuming from ${path}: epoch ${saved.state.epoch} done`);
      return saved.state;
    },
    save(state) {
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify({key, state}, replacer));
      renameSync(tmp, path);
    },
    remove() {
      rmSync(path, {force: true});
    },
  };
}
