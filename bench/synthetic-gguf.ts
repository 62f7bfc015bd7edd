/**
 * Writes llama-architecture GGUF files with random f32 weights, for timing only (their outputs
 * are meaningless): bench/threads.ts measures how decode speed scales with threads per model size.
 * The tokenizer metadata is copied from a donor GGUF (the toy model's 354-token vocabulary).
 */
import {closeSync, openSync, writeSync} from "node:fs";
import {readGgufFileInfo} from "node-llama-cpp";

export interface SyntheticShape {
  dim: number;
  layers: number;
  heads: number;
  hidden: number;
}

const ALIGN = 32;
const T = {u32: 4, i32: 5, f32: 6, bool: 7, str: 8, arr: 9} as const;

class Bytes {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v: number) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  u64(v: number) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  f32(v: number) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  str(s: string) { const b = Buffer.from(s, "utf8"); this.u64(b.length); this.push(b); }
  pad() { const n = (ALIGN - (this.length % ALIGN)) % ALIGN; if (n) this.push(Buffer.alloc(n)); }
  concat() { return Buffer.concat(this.parts); }
}

export function parameterCount(s: SyntheticShape, vocab: number): number {
  return vocab * s.dim * 2 + s.layers * (4 * s.dim * s.dim + 3 * s.dim * s.hidden + 2 * s.dim) + s.dim;
}

/** A SentencePiece-style vocabulary of `size` tokens: <unk>, <s>, </s>, the 256 byte tokens, then "t259"… */
export function syntheticVocabulary(size: number): {tokens: string[]; scores: number[]; token_type: number[]} {
  const tokens = ["<unk>", "<s>", "</s>", ...Array.from({length: 256}, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, "0")}>`)];
  while (tokens.length < size) tokens.push(`t${tokens.length}`);
  const token_type = tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1));
  return {tokens, scores: tokens.map(() => 0), token_type};
}

/** `donor`: a GGUF whose tokenizer to copy, or a vocabulary size to synthesize. */
export async function writeSyntheticGguf(path: string, shape: SyntheticShape, donor: string | number, seed = 1): Promise<number> {
  const tk =
    typeof donor === "number"
      ? syntheticVocabulary(donor)
      : ((await readGgufFileInfo(donor, {logWarnings: false})).metadata.tokenizer.ggml as unknown as {tokens: string[]; scores: number[]; token_type: number[]});
  const vocab = tk.tokens.length;
  const {dim, layers, heads, hidden} = shape;
  const tensors: [string, number[]][] = [["token_embd.weight", [dim, vocab]]];
  for (let i = 0; i < layers; i++) {
    tensors.push(
      [`blk.${i}.attn_norm.weight`, [dim]], [`blk.${i}.attn_q.weight`, [dim, dim]], [`blk.${i}.attn_k.weight`, [dim, dim]],
      [`blk.${i}.attn_v.weight`, [dim, dim]], [`blk.${i}.attn_output.weight`, [dim, dim]], [`blk.${i}.ffn_norm.weight`, [dim]],
      [`blk.${i}.ffn_gate.weight`, [dim, hidden]], [`blk.${i}.ffn_down.weight`, [hidden, dim]], [`blk.${i}.ffn_up.weight`, [dim, hidden]],
    );
  }
  tensors.push(["output_norm.weight", [dim]], ["output.weight", [dim, vocab]]);

  const h = new Bytes();
  const kv: [string, () => void][] = [
    ["general.architecture", () => { h.u32(T.str); h.str("llama"); }],
    ["general.name", () => { h.u32(T.str); h.str(`synthetic-${parameterCount(shape, vocab)}`); }],
    ["llama.context_length", () => { h.u32(T.u32); h.u32(512); }],
    ["llama.embedding_length", () => { h.u32(T.u32); h.u32(dim); }],
    ["llama.block_count", () => { h.u32(T.u32); h.u32(layers); }],
    ["llama.feed_forward_length", () => { h.u32(T.u32); h.u32(hidden); }],
    ["llama.rope.dimension_count", () => { h.u32(T.u32); h.u32(dim / heads); }],
    ["llama.attention.head_count", () => { h.u32(T.u32); h.u32(heads); }],
    ["llama.attention.head_count_kv", () => { h.u32(T.u32); h.u32(heads); }],
    ["llama.attention.layer_norm_rms_epsilon", () => { h.u32(T.f32); h.f32(1e-5); }],
    ["tokenizer.ggml.model", () => { h.u32(T.str); h.str("llama"); }],
    ["tokenizer.ggml.tokens", () => { h.u32(T.arr); h.u32(T.str); h.u64(vocab); tk.tokens.forEach((t) => h.str(t)); }],
    ["tokenizer.ggml.scores", () => { h.u32(T.arr); h.u32(T.f32); h.u64(vocab); tk.scores.forEach((s) => h.f32(s)); }],
    ["tokenizer.ggml.token_type", () => { h.u32(T.arr); h.u32(T.i32); h.u64(vocab); tk.token_type.forEach((t) => h.i32(t)); }],
    ["tokenizer.ggml.bos_token_id", () => { h.u32(T.u32); h.u32(1); }],
    ["tokenizer.ggml.eos_token_id", () => { h.u32(T.u32); h.u32(2); }],
    ["tokenizer.ggml.add_bos_token", () => { h.u32(T.bool); h.push(Buffer.from([1])); }],
  ];
  h.push(Buffer.from("GGUF"));
  h.u32(3);
  h.u64(tensors.length);
  h.u64(kv.length);
  for (const [key, write] of kv) { h.str(key); write(); }
  let offset = 0;
  for (const [name, dims] of tensors) {
    h.str(name);
    h.u32(dims.length);
    dims.forEach((d) => h.u64(d));
    h.u32(0); // f32
    h.u64(offset);
    offset += dims.reduce((a, b) => a * b, 1) * 4;
    offset += (ALIGN - (offset % ALIGN)) % ALIGN;
  }
  h.pad();
  const fd = openSync(path, "w");
  try {
    let written = writeSync(fd, h.concat());
    let x = seed >>> 0;
    for (const [name, dims] of tensors) {
      const n = dims.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      if (name.endsWith("norm.weight")) data.fill(1);
      else for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        data[i] = (x / 4294967296 - 0.5) * 0.04;
      }
      written += writeSync(fd, new Uint8Array(data.buffer));
      const pad = (ALIGN - (written % ALIGN)) % ALIGN;
      if (pad) written += writeSync(fd, new Uint8Array(pad));
    }
  } finally {
    closeSync(fd);
  }
  return parameterCount(shape, vocab);
}
