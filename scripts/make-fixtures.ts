/**
 * Generates the Qwen2.5-shaped fixtures (src/models/fixtures/qwenFixtures.ts) into the fixture
 * cache and prints their paths, one per line on stdout. Already cached ones are reused.
 *
 *   npx tsx scripts/make-fixtures.ts [tiny|0.5b|all] [--vocab PATH] [--dir DIR] [--seed N]
 *
 * tiny: the test pair (tiny-small, tiny-large); 0.5b: the Qwen2.5-0.5B-shaped benchmark model.
 */
import {parseArgs} from "node:util";
import {fixtureCacheDir, isTlrError, qwenFixture, QWEN_FIXTURES, type QwenFixtureName} from "../src/index.ts";

const SETS: Record<string, QwenFixtureName[]> = {tiny: ["tiny-small", "tiny-large"], "0.5b": ["0.5b"], all: ["tiny-small", "tiny-large", "0.5b"]};

try {
  const {values, positionals} = parseArgs({
    allowPositionals: true,
    options: {vocab: {type: "string"}, dir: {type: "string"}, seed: {type: "string"}},
  });
  const which = positionals[0] ?? "tiny";
  const names = SETS[which];
  if (!names || positionals.length > 1) throw new Error(`usage: make-fixtures [tiny|0.5b|all] [--vocab PATH] [--dir DIR] [--seed N] (got ${positionals.join(" ")})`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  const options = {vocabPath: values.vocab, dir: values.dir ?? fixtureCacheDir(), seed};
  for (const name of names) {
    const s = QWEN_FIXTURES[name];
    process.stderr.write(`${name}: qwen2, hidden ${s.hidden}, ${s.layers} layers, ${s.heads}/${s.kvHeads} heads, FFN ${s.ffn}, ${s.rows} rows, ${s.weights} … `);
    const f = await qwenFixture(name, options);
    process.stderr.write(f.created ? `written in ${(f.ms / 1000).toFixed(1)} s, ${(f.bytes / 2 ** 20).toFixed(0)} MiB\n` : `cached, ${(f.bytes / 2 ** 20).toFixed(0)} MiB\n`);
    console.log(f.path);
  }
} catch (error) {
  process.stderr.write(`make-fixtures: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(isTlrError(error) || (error instanceof Error && error.message.startsWith("usage")) ? 2 : 1);
}
