#!/usr/bin/env bash
# The docs build that runs without quarto: nbdev's processed notebooks (_proc/), exported to HTML
# pages in _site/ by nbconvert. The hosted site is built by quarto in .github/workflows/deploy.yaml.
# (nbdev-proc-nbs offers to install quarto; without sudo it says "Cancelled" and goes on.)
set -euo pipefail
cd "$(dirname "$0")/.."
nbdev-proc-nbs
# nbdev records cell timings as numbers, which nbformat's schema (and so nbconvert) rejects
python - <<'PY'
import glob, nbformat
for f in glob.glob('_proc/*.ipynb'):
    nb = nbformat.read(f, as_version=4)
    for c in nb.cells: c.metadata.pop('execution', None)
    nbformat.write(nb, f)
PY
jupyter nbconvert --log-level WARN --to html --output-dir _site _proc/*.ipynb
