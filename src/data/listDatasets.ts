import {readManifest} from "./manifest.ts";
import {DATASET_NAMES, datasetSpec} from "./registry.ts";

/** What `tlr data list` shows of a registered dataset: its manifest's facts and its default task. */
export interface DatasetInfo {
  name: string;
  title: string;
  license: string;
  kind: "multiple-choice" | "numeric";
  defaultSplit: string;
  defaultFormat: string;
  /** Hub repo and config, when it is on the Hub. */
  hub?: {repo: string; config: string; revision: string};
  splits: {name: string; rows?: number; labelled: boolean; localFiles: string[]; generated: boolean}[];
}

export function listDatasets(): DatasetInfo[] {
  return DATASET_NAMES.map((name) => {
    const m = readManifest(name);
    const spec = datasetSpec(name);
    return {
      name,
      title: m.title,
      license: m.license,
      kind: spec.kind,
      defaultSplit: m.defaultSplit,
      defaultFormat: spec.defaultFormat,
      hub: m.hub,
      splits: Object.entries(m.splits).map(([split, s]) => ({
        name: split,
        rows: s.rows,
        labelled: s.labelled,
        localFiles: s.files.map((f) => f.path),
        generated: s.generator !== undefined,
      })),
    };
  });
}
