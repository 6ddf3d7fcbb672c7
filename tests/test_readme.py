"""The README's examples run as shown (#13): the commands with names as users type them, their error
messages, every command's --help example, and the Python walk-through (as a doctest)."""

from __future__ import annotations

import doctest
import re
import shlex
import shutil

import pytest
import typer.main
from helpers import REPO
from typer.testing import CliRunner

from kg.cli import app

pytestmark = pytest.mark.model
README = (REPO / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _section(title: str) -> str:
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _block(text: str, lang: str) -> str:
    m = re.search(rf"```{lang}\n(.*?)```", text, re.DOTALL)
    assert m, f"no {lang} block"
    return m.group(1)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder holding `exports/`, a copy of the seed build (store included), as after `make run`."""
    from helpers import seed_build

    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(seed_build(), root / "exports", symlinks=True)
    return root


def _run(workdir, monkeypatch, line: str):
    monkeypatch.chdir(workdir)
    args = shlex.split(line, comments=True)
    assert args[0] == "kg", line
    return runner.invoke(app, args[1:])


NAMES = [line for line in _block(_section("Names as you type them"), "sh").splitlines() if line.strip()]


@pytest.mark.parametrize("line", NAMES)
def test_readme_name_examples_run(workdir, monkeypatch, line):
    assert re.search(r"daech|\bEI\b|daesh|homs|armée syrienne", line, re.IGNORECASE)
    result = _run(workdir, monkeypatch, line)
    assert result.exit_code == 0, f"{line}\n{result.output}"
    assert "error" not in result.output
    assert not re.search(r"\(0 (rows|entities)\)|: 1 nodes", result.output), result.output  # finds something


ERRORS = re.findall(r"^    \$ (kg .+)\n    (kg: error: .+)$", _section("Names as you type them"), re.MULTILINE)


@pytest.mark.parametrize(("line", "shown"), ERRORS)
def test_readme_usage_errors_are_as_shown(workdir, monkeypatch, line, shown):
    result = _run(workdir, monkeypatch, line)
    assert result.exit_code == 2
    assert result.output.strip() == shown


def test_readme_sections_cover_the_issue():
    assert len(NAMES) >= 6 and len(ERRORS) == 3
    assert "--ego Daech" in README and "--path \"armée syrienne\" EI" in README


HELP_EXAMPLES = {}
for _name, _command in typer.main.get_command(app).commands.items():
    _m = re.search(r"Example:\s+(kg .+)", _command.help or "")
    if _m and _name in ("query", "view", "network", "export", "plot", "entities", "validate"):
        HELP_EXAMPLES[_name] = _m.group(1).strip()


@pytest.mark.parametrize("name", sorted(HELP_EXAMPLES))
def test_readme_help_examples_run_on_the_seeds(workdir, monkeypatch, name):
    """`kg network --help`'s own example failed with exit 1 (#13)."""
    result = _run(workdir, monkeypatch, HELP_EXAMPLES[name])
    assert result.exit_code == 0, f"{HELP_EXAMPLES[name]}\n{result.output}"


def test_readme_python_walkthrough(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    text = _block(_section("Python: `import kg`"), "python")
    test = doctest.DocTestParser().get_doctest(text, {}, "README.md: Python", "README.md", 0)
    runner_ = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner_.run(test, out=lambda s: pytest.fail(s))
    assert runner_.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 10
