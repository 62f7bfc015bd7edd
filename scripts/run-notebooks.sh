#!/usr/bin/env bash
# Executes every notebook in notebooks/ with Debian's jupyter-nbconvert on the Deno kernel from
# npm (`deno`, a devDependency), against a results folder (default results/quickstart), and
# checks that each one displayed a table and an SVG plot. Executed copies go to OUT (default
# results/notebooks, git-ignored); the committed notebooks stay without outputs.
#
# The kernel is registered in a temporary JUPYTER_PATH pointing at node_modules' deno binary:
# nothing is written to ~/.local, no global deno is needed, and a clean machine works the same.
# Needs the apt packages jupyter-nbconvert and jupyter-client (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
results="$(realpath "${1:-results/quickstart}")"
out="${2:-results/notebooks}"
for file in summary.arrow questions.arrow tokens.arrow; do
  [[ -f "$results/$file" ]] || { echo "run-notebooks: $results/$file is missing: run the sweep first (npx tlr sweep experiments/quickstart.json --out results/quickstart)" >&2; exit 2; }
done
command -v jupyter-nbconvert >/dev/null || { echo "run-notebooks: jupyter-nbconvert is missing: apt-get install jupyter-nbconvert jupyter-client" >&2; exit 2; }

# The real binary, not the npm wrapper (a node process that would outlive a killed kernel).
deno="$(node -p 'require("deno/install_api.cjs").runInstall()')"
jupyter_path="$(mktemp -d)"
trap 'rm -rf "$jupyter_path"' EXIT
mkdir -p "$jupyter_path/kernels/deno"
printf '{"argv": ["%s", "jupyter", "--kernel", "--conn", "{connection_file}"], "display_name": "Deno", "language": "typescript"}\n' "$deno" >"$jupyter_path/kernels/deno/kernel.json"

mkdir -p "$out"
for notebook in notebooks/*.ipynb; do
  echo "run-notebooks: executing $notebook against $results"
  # A cell that throws fails the run (nbconvert's default); the kernel has 5 minutes per cell.
  JUPYTER_PATH="$jupyter_path" TLR_RESULTS="$results" NO_COLOR=1 \
    jupyter-nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.kernel_name=deno \
    --output-dir "$out" "$notebook"
  executed="$out/$(basename "$notebook")"
  # Each notebook must have shown its results: an HTML table and an inline SVG chart.
  node -e '
    const nb = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
    const data = outputs.map((o) => o.data ?? {});
    const text = (v) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
    const errors = outputs.filter((o) => o.output_type === "error");
    if (errors.length) throw new Error(`${process.argv[1]}: ${errors.map((e) => e.ename + ": " + e.evalue).join("; ")}`);
    if (!data.some((d) => text(d["text/html"]).includes("<table"))) throw new Error(`${process.argv[1]}: no HTML table among the outputs`);
    if (!data.some((d) => text(d["image/svg+xml"]).includes("router_points_marks"))) throw new Error(`${process.argv[1]}: no accuracy-vs-upload SVG among the outputs`);
    console.log(`run-notebooks: ${process.argv[1]}: ${outputs.length} outputs, table and plot shown`);
  ' "$executed"
done
