// Types of bin/compiledCli.js (plain JavaScript: it runs before any TypeScript loader).
/** The cache key of a checkout at `dir` (its src/ files' paths, sizes and mtimes). */
export function sourceKey(dir: string, esbuildVersion: string): string;
/** The compiled CLI's entry URL and folder, built if the sources changed; undefined to run the sources through tsx. */
export function compiledCli(): Promise<{entry: string; dir: string} | undefined>;
