"""Settings from ``[tool.http2-push-manifest]`` in ``pyproject.toml``.

Every command-line option has a key: its long name without the dashes in front (``file``,
``manifest``, ``max-depth``, ``uniform-weights``…); flags take ``true``/``false``, repeatable
options a list (or one string). Relative paths (``file``, ``manifest``, ``root``,
``cache-dir``) are relative to the directory holding ``pyproject.toml``, so the tool behaves
the same from any subdirectory.
The command line wins over the file. An unknown key or a bad value is an :class:`ConfigError`
that names the file and the key.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click

from push_manifest.errors import InputError

__all__ = [
    "PATH_KEYS",
    "SUBCOMMANDS",
    "TABLE",
    "Config",
    "ConfigError",
    "default_map",
    "find_config",
    "load_config",
    "option_keys",
    "read_config",
]

TABLE = "http2-push-manifest"
"""The table under ``[tool]`` that holds the settings."""

PATH_KEYS = frozenset({"file", "manifest", "root", "cache-dir"})
"""Keys whose values are paths, resolved against the configuration file's directory."""

SUBCOMMANDS = frozenset({"verify"})
"""Keys that hold a subcommand's own table (``[tool.http2-push-manifest.verify]``): read by that
command (:func:`section`), passed over by the others."""

_NOT_KEYS = frozenset({"help", "version", "config"})


class ConfigError(InputError):
    """The configuration file cannot be read or holds an unknown key or a bad value."""


@dataclass(frozen=True, slots=True)
class Config:
    """The settings table of one file (empty and without a path when none was found)."""

    path: Path | None = None
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        """What relative paths in the file are relative to."""
        return self.path.parent if self.path is not None else Path.cwd()


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.http2-push-manifest]`` table, walking up
    from ``start`` (default: the current directory); ``None`` when there is none.

    A ``pyproject.toml`` without the table (another tool's, a sub-project's) is passed over, as
    ruff does. An unreadable or invalid one on the way is an error rather than silently skipped.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _table(_parse(candidate), candidate) is not None:
            return candidate
    return None


def read_config(path: str | os.PathLike[str]) -> Config:
    """The settings in ``path`` (a ``pyproject.toml``); an empty :class:`Config` with that path
    when it has no ``[tool.http2-push-manifest]`` table."""
    file = Path(path).resolve()
    if not file.is_file():
        raise ConfigError(f"configuration file {os.fspath(path)!r} does not exist")
    table = _table(_parse(file), file)
    return Config(file, dict(table or {}))


def load_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The settings of the nearest configuration (see :func:`find_config`), or none."""
    path = find_config(start)
    return read_config(path) if path is not None else Config()


def section(config: Config, name: str) -> Config:
    """The table ``[tool.http2-push-manifest.<name>]`` of ``config`` (empty when absent), with
    the same path; raises :class:`ConfigError` when it is not a table."""
    values = config.values.get(name, {})
    if not isinstance(values, dict):
        raise ConfigError(f"{config.path}: [tool.{TABLE}.{name}] must be a table of settings")
    return Config(config.path, dict(values))


def option_keys(command: click.Command) -> dict[str, click.Option]:
    """Configuration key → option of ``command``: every option but help, version and config."""
    keys: dict[str, click.Option] = {}
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        long = [opt for opt in param.opts if opt.startswith("--")]
        if not long:
            continue
        key = long[0][2:]
        if key not in _NOT_KEYS:
            keys[key] = param
    return keys


def default_map(config: Config, command: click.Command, ctx: click.Context) -> dict[str, object]:
    """``config`` checked against ``command``'s options, as a click ``default_map`` (option
    name → value, relative paths made absolute). Raises :class:`ConfigError` for an unknown key
    or a value of the wrong kind, naming the file and the key."""
    keys = option_keys(command)
    defaults: dict[str, object] = {}
    for key, value in config.values.items():
        if key in SUBCOMMANDS:
            continue
        option = keys.get(key)
        if option is None or option.name is None:
            raise ConfigError(
                f"{config.path}: [tool.{TABLE}]: unknown key {key!r}" + _suggestion(key, keys)
            )
        checked = _check_value(config, key, option, value, ctx)
        if key in PATH_KEYS:
            checked = _resolve_paths(checked, config.directory)
        defaults[option.name] = checked
    return defaults


def _parse(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    except OSError as error:
        raise ConfigError(f"cannot read {str(path)!r}: {error.strerror}") from error


def _table(document: Mapping[str, object], path: Path) -> Mapping[str, object] | None:
    tool = document.get("tool")
    if not isinstance(tool, dict) or TABLE not in tool:
        return None
    table = tool[TABLE]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table of settings")
    return table


def _where(config: Config, key: str) -> str:
    return f"{config.path}: [tool.{TABLE}] {key!r}: "


def _suggestion(key: str, keys: Mapping[str, click.Option]) -> str:
    dashed = key.replace("_", "-")
    close = [dashed] if dashed in keys else difflib.get_close_matches(key, list(keys), n=1)
    if close:
        return f" (did you mean {close[0]!r}? keys are the long option names, with dashes)"
    return f"; valid keys: {', '.join(sorted(keys))}"


def _check_value(
    config: Config, key: str, option: click.Option, value: object, ctx: click.Context
) -> object:
    """``value`` when it suits ``option`` (a list for repeatable options), else a ConfigError."""
    where = _where(config, key)
    if option.is_flag and not option.multiple:
        if not isinstance(value, bool):
            raise ConfigError(where + f"expected true or false, got {value!r}")
        return value
    items = value if isinstance(value, list) else [value]
    if not option.multiple and isinstance(value, list):
        raise ConfigError(where + f"expected one value, got a list {value!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise ConfigError(where + f"expected a string or a number, got {item!r}")
        try:
            option.type.convert(item, option, ctx)
        except click.BadParameter as error:
            raise ConfigError(where + error.message) from error
    return list(items) if option.multiple else value


def _resolve_paths(value: object, directory: Path) -> object:
    if isinstance(value, list):
        return [_resolve_paths(item, directory) for item in value]
    if isinstance(value, str) and value != "-" and not os.path.isabs(value):
        return os.path.join(directory, value)
    return value
