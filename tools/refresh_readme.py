"""Re-run the commands shown in README.md (indented ``$ kg …`` blocks) and paste their real output.

Run after ``kg build seeds -o exports``: ``python tools/refresh_readme.py``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
KG = str(Path(sys.executable).with_name("kg"))


def main() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = re.match(r"^    \$ (kg .+)$", line)
        i += 1
        if not m:
            continue
        while i < len(lines) and lines[i].startswith("    ") and not lines[i].startswith("    $"):
            i += 1  # drop the old output
        args = shlex.split(m.group(1))
        res = subprocess.run([KG, *args[1:]], capture_output=True, text=True, check=True)
        out.extend("    " + x if x else "" for x in res.stdout.rstrip("\n").splitlines())
    README.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
