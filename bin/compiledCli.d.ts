// Types of bin/compiledCli.js (plain JavaScript: it runs before any TypeScript loader).
/** The cache key of a checkout at `dir` (its src/ files' paths, sizes and mtimes). */
export function sourceKey(dir: string, esbuildVersion: string): string;
/** The URL of the compiled CLI's entry, built if the sources changed; undefined to run the sources through tsx. */
export function compiledCli(): Promise<string | undefined>;
