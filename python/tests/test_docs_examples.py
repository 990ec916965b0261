"""The docs' Python examples run as scripts, as a user would save and run them.

Every ```python block of README.md, python/README.md and docs/*.md is written to a file and
run with this interpreter from the repository root (the examples name files such as
``examples/actors.csv`` relative to it); it must exit with code 0. A block whose first line is
a comment containing ``[not run`` (e.g. one that needs a Slurm cluster) is skipped, with the
comment as the reason. Examples that start a Dask ``LocalCluster`` must guard their work with
``if __name__ == "__main__":``, or their worker processes fail to start: running them as
scripts is what catches that.
"""

import re
import subprocess
import sys

import pytest

from conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "python" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks():
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 2
            out.append(pytest.param(m.group(1), id=f"{doc.relative_to(ROOT)}:{line}"))
    return out


def test_there_are_examples():
    assert len(blocks()) >= 3


@pytest.mark.parametrize("code", blocks())
def test_example_runs_as_a_script(code, tmp_path):
    first = code.lstrip().splitlines()[0] if code.strip() else ""
    if first.startswith("#") and "[not run" in first:
        pytest.skip(first.lstrip("# "))
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    p = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"exit code {p.returncode}\n--- stdout\n{p.stdout[-3000:]}\n--- stderr\n{p.stderr[-3000:]}"
