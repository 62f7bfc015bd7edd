/**
 * Named GGUF models on the Hugging Face Hub that `tlr models pull NAME` downloads into the standard
 * Hugging Face cache, checked against the sha256 pinned here.
 *
 * Where the checksums come from: the Hub's own LFS sha256 of each file of the official Qwen GGUF
 * repos, as recorded in public references (a model catalog in a public repository; the 7B's
 * first shard also in a second, independent one). They could not be read off the Hub here (no
 * network), so `pull` cross-checks them with the sha256 the Hub reports for the file before
 * downloading, and with the bytes after: any disagreement refuses the file. A file whose sha256
 * is `null` is pinned on its first verified download (content sha256 = the Hub's LFS sha256)
 * in the tlr cache (`$TLR_CACHE_DIR/model-pins.json`) and checked against that pin afterwards.
 */
export interface ModelFile {
  /** Path in the repo. Split GGUFs list every part, the first one first (llama.cpp loads the rest beside it). */
  path: string;
  /** The Hub's LFS sha256 of the file, or null to pin it on the first verified download. */
  sha256: string | null;
  /** Size in bytes where known (progress and a disk-space hint). */
  size?: number;
}

export interface ModelPreset {
  description: string;
  repo: string;
  /** A branch or a 40-hex commit. */
  revision: string;
  files: ModelFile[];
}

export const MODEL_PRESETS: Record<string, ModelPreset> = {
  "qwen2.5-0.5b-instruct": {
    description: "Qwen2.5-0.5B-Instruct, Q8_0 (the paper's SLM; 676 MB). sha256 pinned on first verified download",
    repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
    revision: "main",
    files: [{path: "qwen2.5-0.5b-instruct-q8_0.gguf", sha256: null, size: 675_710_816}],
  },
  "qwen2.5-0.5b-instruct-q4_k_m": {
    description: "Qwen2.5-0.5B-Instruct, Q4_K_M (491 MB)",
    repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
    revision: "main",
    files: [{path: "qwen2.5-0.5b-instruct-q4_k_m.gguf", sha256: "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db", size: 491_400_032}],
  },
  "qwen2.5-7b-instruct": {
    description: "Qwen2.5-7B-Instruct, Q4_K_M in 2 parts (4.7 GB): a large model that fits one machine",
    repo: "Qwen/Qwen2.5-7B-Instruct-GGUF",
    revision: "main",
    files: [
      {path: "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", sha256: "dfce12e3862a5283ccfb88221b48480e58745165de856439950d0f22590580db", size: 3_993_201_344},
      {path: "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf", sha256: "539cf93f78e887edea1c04e2d7d8cdaca9d01dae9c9025bcb8accbe29df3d72a", size: 689_872_288},
    ],
  },
  "qwen2.5-32b-instruct": {
    description: "Qwen2.5-32B-Instruct, Q4_K_M in 5 parts (19.9 GB): the paper's LLM (it served full precision with SGLang)",
    repo: "Qwen/Qwen2.5-32B-Instruct-GGUF",
    revision: "main",
    files: [
      {path: "qwen2.5-32b-instruct-q4_k_m-00001-of-00005.gguf", sha256: "403434e5c845452c013661d586b97d5a53cf207462d180a07c301eafa9390d05", size: 3_961_498_272},
      {path: "qwen2.5-32b-instruct-q4_k_m-00002-of-00005.gguf", sha256: "7371e5c5d717a8c20f526dbfce5d3f201dc3f02140d1c836314cd0756e02e8d7", size: 3_948_996_064},
      {path: "qwen2.5-32b-instruct-q4_k_m-00003-of-00005.gguf", sha256: "f023ccc294c3bd3b2eac5b2dd40dea3aa4ca1d06c7460ead67c36386cd62e8fc", size: 3_993_478_688},
      {path: "qwen2.5-32b-instruct-q4_k_m-00004-of-00005.gguf", sha256: "05fe76d941454390cd7aa0de3b342f83a1d1226a959479af85bbfae7cd93e771", size: 3_950_347_744},
      {path: "qwen2.5-32b-instruct-q4_k_m-00005-of-00005.gguf", sha256: "8c2e8ecc686129c37821bd9f3b3e251e6ae80deadd3d3348f7e3e84492a63c24", size: 3_997_015_616},
    ],
  },
};
