import type {z} from "zod";

/** One zod issue as "field.path: message" (the form every validation error in the project takes). */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), "");
  if (issue.code === "unrecognized_keys") return `${path ? `${path}: ` : ""}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && path === "" ) return `kind: must be one of "mlp", "logreg", "onnx"`;
  return `${path || "(top level)"}: ${issue.message}`;
}
