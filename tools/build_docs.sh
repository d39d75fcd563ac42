#!/usr/bin/env bash
# The docs build that runs without quarto: nbdev's processed notebooks (_proc/), exported to HTML
# pages in _site/ by nbconvert. The hosted site is built by quarto in .github/workflows/deploy.yaml.
# (nbdev-proc-nbs offers to install quarto; without sudo it says "Cancelled" and goes on.)
set -euo pipefail
cd "$(dirname "$0")/.."
nbdev-proc-nbs
# Two fixes to the processed notebooks before nbconvert reads them (idempotent: nbdev-proc-nbs leaves
# unchanged notebooks' _proc/ copies as this step left them):
# - nbdev records cell timings as numbers, and marks show_doc cells with a `has_sd` key: nbformat's schema
#   (and so nbconvert) rejects both.
# - nbdev turns each notebook's `# Title` + `> description` cell into a raw cell of YAML front matter,
#   which quarto reads and renders as the page's heading; nbconvert would print it as raw text. So the
#   front matter becomes what quarto shows: the title as an <h1>, the description as a lead paragraph
#   below it (markdown inside, so `code` in either renders), and the title in the browser's tab.
python - <<'PY'
import glob, re, nbformat, yaml

def front_matter(cell):
    "The YAML front matter nbdev writes as a notebook's first cell, as a dict (None if `cell` is not one)."
    m = re.fullmatch(r'\s*---\s*\n(.*?)\n---\s*', cell.source, re.S) if cell.cell_type == 'raw' else None
    return (yaml.safe_load(m.group(1)) or {}) if m else None

def title_cell(fm):
    "A markdown cell with quarto's title block: the title as a heading, the description as a lead paragraph."
    md = [f"# {fm['title']}"] if fm.get('title') else []
    if fm.get('description'):
        md.append(f'<div class="description lead" style="font-size:1.25em; margin:0.5em 0 1.5em">\n\n'
                  f"{fm['description']}\n\n</div>")
    return nbformat.v4.new_markdown_cell('\n\n'.join(md))

for f in glob.glob('_proc/*.ipynb'):
    nb = nbformat.read(f, as_version=4)
    for c in nb.cells: c.metadata.pop('execution', None); c.pop('has_sd', None)
    fm = front_matter(nb.cells[0]) if nb.cells else None
    if fm is not None:
        nb.cells[0] = title_cell(fm)
        if fm.get('title'): nb.metadata['title'] = fm['title'].replace('`', '')  # nbconvert's <title>
    nbformat.write(nb, f)
PY
jupyter nbconvert --log-level WARN --to html --output-dir _site _proc/*.ipynb
