// Writes experiments/schema.json from the config validator (npm run schema). A test checks the
// committed file equals what this writes, so the schema editors complete against never rots.
import {writeFileSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {experimentJsonSchema} from "../src/sweep/config.ts";

const file = resolve(dirname(fileURLToPath(import.meta.url)), "../experiments/schema.json");
writeFileSync(file, JSON.stringify(experimentJsonSchema(), null, 2) + "\n");
console.log(`wrote ${file}`);
