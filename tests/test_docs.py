"""Options are declared once: the README's option table and ``--help`` list the same options
under the same headings, ``verify`` shares the main command's declarations, and the modules
import downwards only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
from click.testing import CliRunner

from push_manifest import cli_options
from push_manifest.cli import cli
from push_manifest.verify.command import verify_command

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "push_manifest"
_OPTION = re.compile(r"(?<![\w-])--?[a-z][\w-]*")


def _help_sections() -> dict[str, list[str]]:
    """Heading → the options ``--help`` lists under it, in order."""
    text = CliRunner().invoke(cli, ["--help"], terminal_width=200, catch_exceptions=False).output
    sections: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if re.fullmatch(r"[A-Z][\w ]*:", line):
            heading = line[:-1]
            sections[heading] = []
        elif heading is not None and line.startswith("  -"):
            names = line.strip().split("  ")[0]
            sections[heading] += _OPTION.findall(names)
        elif heading is not None and not line.startswith("    "):
            heading = None
    return sections


def _readme_sections() -> dict[str, list[str]]:
    """Heading → the options the README's option table lists under it, in order."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| option | meaning |") + 2
    sections: dict[str, list[str]] = {}
    heading = None
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        first = line.split(" | ")[0][2:]
        if first.startswith("**"):
            heading = first.strip("*")
            sections[heading] = []
        else:
            assert heading is not None, f"a row before the first heading: {line}"
            sections[heading] += _OPTION.findall(" ".join(re.findall(r"`([^`]*)`", first)))
    return sections


def test_help_groups_the_options_under_the_headings_in_order() -> None:
    sections = _help_sections()
    assert list(sections) == list(cli_options.HEADINGS)
    assert sections["Input"][:3] == ["-f", "--file", "--root"]
    assert "--jobs" in sections["Cache and jobs"]
    every = [opt for heading in cli_options.HEADINGS for opt in sections[heading]]
    params = cli.get_params(click.Context(cli))  # with --help
    declared = [opt for param in params for opt in (*param.opts, *param.secondary_opts)]
    assert sorted(every) == sorted(declared), "each option once, under one heading"


def test_the_readme_table_lists_what_help_lists_under_the_same_headings() -> None:
    readme = _readme_sections()
    helped = {h: opts for h, opts in _help_sections().items() if h in cli_options.HEADINGS}
    assert list(readme) == list(helped)
    for heading, options in helped.items():
        assert sorted(readme[heading]) == sorted(options), heading


def test_verify_uses_the_main_commands_declarations_of_the_options_it_shares() -> None:
    main = {param.name: param for param in cli.params}
    shared = {
        param.name: param
        for param in verify_command.params
        if isinstance(param, cli_options.GroupedOption)
    }
    assert set(shared) == {
        "root", "config", "jobs", "max_page_size", "device", "viewport_width",
        "viewport_height", "dpr", "prune", "installed_fonts", "include_lazy", "include",
        "exclude", "types", "max_depth", "max_resources", "budget", "uniform_weights",
    }  # fmt: skip
    context = click.Context(cli)
    for name, param in shared.items():
        assert param.to_info_dict() == main[name].to_info_dict(), name
        assert param.get_help_record(context) == main[name].get_help_record(context), name
    assert all(isinstance(param, cli_options.GroupedOption) for param in main.values() if
               param.name not in ("version", "help"))  # fmt: skip


def _imports(path: Path) -> list[tuple[str, str, bool]]:
    """``(imported module, what it imports, inside a function)`` for each import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found.append((node.module, alias.name, id(node) in nested))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, "", id(node) in nested))
    return found


def test_no_module_imports_from_the_package_face_or_upwards_inside_a_function() -> None:
    lazy = {  # optional parts, loaded only when used; each points down
        ("cli.py", "push_manifest.verify.command"),
        ("verify/run.py", "push_manifest.writers.json"),
        ("api.py", "push_manifest.pipeline"),
    }
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for module, imported, in_function in _imports(path):
            if name != "__init__.py":
                assert module != "push_manifest", f"{name} imports {imported} from the face"
            if in_function and module.startswith("push_manifest"):
                assert (name, module) in lazy, f"{name} imports {module} inside a function"


def test_the_moved_names_live_below_their_users() -> None:
    imports = {
        name: {module for module, _what, _nested in _imports(PACKAGE / name)}
        for name in ("session.py", "classify.py", "writers/link.py", "writers/apache.py")
    }
    assert "push_manifest.version" in imports["session.py"]
    assert "push_manifest.scanners.js" not in imports["classify.py"]
    assert "push_manifest.writers" not in imports["writers/link.py"]
    assert "push_manifest.writers.base" in imports["writers/apache.py"]
