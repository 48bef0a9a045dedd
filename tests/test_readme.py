"""README's examples give what README says they give.

In its Python blocks, an expression followed by a comment that starts with a Python literal
(``tachtu.segment("Hà Nội.")  # 'Hà_Nội .'``, or a comment over the lines below it) is evaluated
and compared with the literal; the block's imports run first, and nothing else runs (other
lines name files that are not here). Its shell examples (``$ echo … | tachtu …``) are run
and their output compared with the lines shown below them.
"""

from __future__ import annotations

import ast
import re
import shlex

import pytest
from typer.testing import CliRunner

from tachtu.cli import app

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README) if lang == language]


def _leading_literal(comment: str) -> tuple[bool, object]:
    """The Python literal a comment starts with, where a colon or a parenthesis may follow it
    (``'Việt Nam' (TCVN3 bytes, detected)``): (False, None) when it starts with none."""
    for end in range(len(comment), 0, -1):
        rest = comment[end:]
        if rest and not rest.startswith((":", " (")):
            continue
        try:
            return True, ast.literal_eval(comment[:end])
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return False, None


def _comment_after(lines: list[str], node: ast.stmt) -> str:
    """The comment on a statement's last line, or the comment lines right below it."""
    assert node.end_lineno is not None
    last = lines[node.end_lineno - 1].encode("utf-8")  # ast's columns count UTF-8 bytes
    source_end = len(last) if node.end_col_offset is None else node.end_col_offset
    inline = last[source_end:].decode("utf-8").strip()
    if inline.startswith("#"):
        return inline[1:].strip()
    below = []
    for line in lines[node.end_lineno :]:
        if not line.startswith("#"):
            break
        below.append(line[1:].strip())
    return " ".join(below)


def _python_examples() -> list[tuple[str, str, str, object]]:
    """(imports, expression, its source line, the value README gives) of every Python example."""
    examples = []
    imports = ""  # a block goes on from the blocks before it
    for block in _blocks("python"):
        lines = block.split("\n")
        statements = ast.parse(block).body
        imports += "".join(
            ast.unparse(node) + "\n"
            for node in statements
            if isinstance(node, ast.Import | ast.ImportFrom)
        )
        for node in statements:
            if not isinstance(node, ast.Expr):
                continue
            found, expected = _leading_literal(_comment_after(lines, node))
            if found:
                source = ast.get_source_segment(block, node)
                assert source is not None
                examples.append((imports, source, lines[node.lineno - 1], expected))
    return examples


PYTHON_EXAMPLES = _python_examples()


def test_readme_has_python_examples_to_check() -> None:
    # A change to the parsing above that found nothing would pass every case below.
    assert len(PYTHON_EXAMPLES) >= 7


@pytest.mark.parametrize(
    ("imports", "expression", "expected"),
    [pytest.param(i, e, v, id=line.strip()[:60]) for i, e, line, v in PYTHON_EXAMPLES],
)
def test_python_example_gives_what_readme_says(imports: str, expression: str, expected) -> None:
    namespace: dict[str, object] = {}
    exec(imports, namespace)
    assert eval(expression, namespace) == expected


def _shell_examples() -> list[tuple[str, str]]:
    """(command, output shown) of each ``$ `` line of README's plain code blocks."""
    examples = []
    for block in _blocks(""):
        lines = block.rstrip("\n").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("$ "):
                shown = []
                for out in lines[i + 1 :]:
                    if out.startswith("$ "):
                        break
                    shown.append(out)
                examples.append((line[2:], "\n".join(shown) + "\n"))
    return examples


SHELL_EXAMPLES = _shell_examples()


def test_readme_has_shell_examples_to_check() -> None:
    assert SHELL_EXAMPLES


@pytest.mark.parametrize(("command", "shown"), SHELL_EXAMPLES, ids=[c for c, _ in SHELL_EXAMPLES])
def test_shell_example_prints_what_readme_shows(command: str, shown: str) -> None:
    # Only `echo TEXT | tachtu ARGS` is run here, without a shell.
    producer, _, consumer = command.partition(" | ")
    echo = shlex.split(producer)
    tachtu = shlex.split(consumer)
    assert echo[0] == "echo" and tachtu[0] == "tachtu", command
    result = CliRunner().invoke(app, tachtu[1:], input=" ".join(echo[1:]) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == shown
