import type {z} from "zod";

type Issue = z.core.$ZodIssue;
type Path = Issue["path"];

/** A path as written in JSON terms: `pairs[0].small.path`. */
export function formatPath(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), "");
}

/**
 * One zod issue as "field.path: what is wrong" (the form every validation error in the project
 * takes). A missing field is named with what to do ("missing field "name": add it"); a value that
 * fits no branch of a union is described from the branch it comes closest to (the one whose
 * fields it uses), not as zod's bare "Invalid input".
 */
export function describeZodIssue(issue: Issue, root = "(top level)"): string {
  return describe(issue, [], root);
}

function describe(issue: Issue, at: Path, root: string): string {
  const path = [...at, ...issue.path];
  const where = formatPath(path);
  const prefix = where ? `${where}: ` : "";
  if (issue.code === "unrecognized_keys") return `${prefix}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_type" && received(issue) === "undefined" && path.length > 0) {
    const parent = formatPath(path.slice(0, -1));
    return `${parent ? `${parent}: ` : ""}missing field "${String(path.at(-1))}" (${article(issue.expected)}): add it`;
  }
  if (issue.code === "invalid_union") return describeUnion(issue, path, root);
  return `${where || root}: ${issue.message}`;
}

function describeUnion(issue: Extract<Issue, {code: "invalid_union"}>, path: Path, root: string): string {
  const where = formatPath(path) || root;
  // A discriminated union whose discriminator names no option.
  if (issue.errors.length === 0) {
    const options = (issue as {options?: unknown[]}).options;
    return options ? `${where}: must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}` : `${where}: ${issue.message}`;
  }
  // The value's type fits no branch (a number where a string or an object goes): list the types.
  const rootTypes = issue.errors.map((branch) => (branch.length === 1 && branch[0]!.code === "invalid_type" && branch[0]!.path.length === 0 ? branch[0]! : undefined));
  if (rootTypes.every((t) => t !== undefined)) {
    const expected = [...new Set(rootTypes.map((t) => (t as Extract<Issue, {code: "invalid_type"}>).expected))];
    const got = received(rootTypes[0]!);
    if (got === "undefined" && path.length > 0) {
      const parent = formatPath(path.slice(0, -1));
      return `${parent ? `${parent}: ` : ""}missing field "${String(path.at(-1))}" (${expected.map(article).join(" or ")}): add it`;
    }
    return `${where}: expected ${expected.map(article).join(" or ")}, got ${got ?? "something else"}`;
  }
  // Otherwise the closest branch: of the right type, with the fewest unknown fields (its shape is
  // the one meant), then the fewest problems.
  const wrongType = (branch: Issue[]) => branch.some((i) => i.code === "invalid_type" && i.path.length === 0);
  const score = (branch: Issue[]) => (wrongType(branch) ? 1e6 : 0) + branch.filter((i) => i.code === "unrecognized_keys").length * 1000 + branch.length;
  const best = issue.errors.reduce((a, b) => (score(b) < score(a) ? b : a));
  // Unknown fields even in the closest shape: name them (they are what to fix), else its first problem.
  const first = best.find((i) => i.code === "unrecognized_keys") ?? best[0]!;
  return describe(first, path, root);
}

/** What an invalid_type issue received ("undefined", "string"…), read from zod's message. */
function received(issue: Issue): string | undefined {
  return /received (\w+)/.exec(issue.message)?.[1];
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
