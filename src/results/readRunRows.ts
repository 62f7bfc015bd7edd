import type {Table} from "apache-arrow";
import type {RouterRole} from "../routing/routerKinds.ts";
import {readTable, type Column} from "./columns.ts";
import {BEFORE_POLICIES_QUESTION, BEFORE_POLICIES_SUMMARY, BEFORE_POLICIES_TOKEN, type RunKey} from "./schema.ts";

/**
 * The results schema versions this tlr reads: "1" lacks `router_role`, which is derived from
 * `router_kind`; "1" and "2" lack the policy columns (schema 3): their runs were the token
 * policy's, with nothing verified, discarded or fallen back. "1" and "2" store their strings plain
 * and uncompressed, "3" dictionary-encoded and ZSTD-compressed (Arrow readers decode both alike).
 */
export const READABLE_SCHEMA_VERSIONS: readonly string[] = ["1", "2", "3"];

/** Fills the policy columns of rows read from a table written before schema 3 (one without `policy`) with what they meant then. */
export function fillBeforePolicies<R>(rows: R[], table: Table): R[] {
  if (table.getChild("policy")) return rows;
  for (const r of rows as Record<string, unknown>[]) Object.assign(r, "tokenId" in r ? BEFORE_POLICIES_TOKEN : "accuracy" in r ? BEFORE_POLICIES_SUMMARY : BEFORE_POLICIES_QUESTION);
  return rows;
}

/**
 * The role a schema-1 row's router kind had. Schema 1 stored only the kind; these were its kinds
 * with a role other than "router", frozen here as they were (not read from today's registry) so
 * old results keep their meaning whatever the registry becomes.
 */
export function roleOfV1Kind(kind: string): RouterRole {
  if (kind === "always-small") return "baseline-small";
  if (kind === "always-large") return "baseline-large";
  if (kind === "oracle") return "oracle";
  return "router";
}

/** Summary or question rows of a table; a schema-1 table (no `router_role` column) gets the role its kinds meant. */
export function readRunRows<R extends RunKey>(columns: readonly Column<R>[], table: Table, file: string): R[] {
  if (table.getChild("router_role")) return fillBeforePolicies(readTable(columns, table, file), table);
  const rows = readTable(columns.filter((c) => c.name !== "router_role"), table, file);
  for (const r of rows) r.routerRole = roleOfV1Kind(r.routerKind);
  return fillBeforePolicies(rows, table);
}
