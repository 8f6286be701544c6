"""The pre-commit hooks (``.pre-commit-hooks.yaml``), run for real by ``pre-commit``.

pre-commit installs the hooks into a virtualenv of their own from a git clone of this
checkout (``pip install .``, dependencies from the package index), in a temporary git
repository holding a small site whose settings are in ``pyproject.toml``.

``pre-commit try-repo`` on the checkout itself would test its last commit only (it adds modified
tracked files, not new ones); the hooks repository here is a commit of the checkout's files as
they are on disk (tracked and untracked, minus what ``.gitignore`` ignores), so the test checks
the working tree in CI and during development alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # installs the hooks with pip

CHECKOUT = Path(__file__).resolve().parent.parent
FALLBACK_FILES = (
    "push_manifest",
    "setup.cfg",
    "pyproject.toml",
    "README.md",
    ".pre-commit-hooks.yaml",
)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}
STALE = '{\n  "/css/old.css": {\n    "type": "style",\n    "weight": 256\n  }\n}\n'
FRESH = '{\n  "/css/app.css": {\n    "type": "style",\n    "weight": 256\n  }\n}\n'


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env={**os.environ, **GIT_IDENTITY}, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return result.stdout


def checkout_files() -> list[str]:
    """The checkout's files as on disk: tracked and untracked, not ignored."""
    if shutil.which("git") and (CHECKOUT / ".git").exists():
        listed = git(CHECKOUT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        return [name for name in listed.split("\0") if name and (CHECKOUT / name).is_file()]
    return list(FALLBACK_FILES)


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hooks-repo")
    for name in checkout_files():
        source = CHECKOUT / name
        target = repo / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot of the checkout")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A git repository with a site, its settings and a stale manifest, all committed."""
    root = tmp_path / "project"
    (root / "site/css").mkdir(parents=True)
    (root / "site/index.html").write_text('<link rel="stylesheet" href="css/app.css">\n')
    (root / "site/css/app.css").write_text("body { color: red }\n")
    (root / "site/push_manifest.json").write_text(STALE)
    (root / "pyproject.toml").write_text(
        "[tool.http2-push-manifest]\n"
        'file = ["site/index.html"]\n'
        'manifest = "site/push_manifest.json"\n'
        "strict = true\n"
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    yield root


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip


def manifest(project: Path) -> str:
    return (project / "site/push_manifest.json").read_text()


def test_try_repo_check_hook_fails_when_stale_and_passes_when_fresh(
    project: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    stale = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo),
                       "http2-push-manifest-check")  # fmt: skip
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert '-  "/css/old.css": {' in stale.stdout
    assert '+  "/css/app.css": {' in stale.stdout
    assert manifest(project) == STALE

    (project / "site/push_manifest.json").write_text(FRESH)
    git(project, "commit", "-q", "-am", "fresh manifest")
    fresh = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo),
                       "http2-push-manifest-check")  # fmt: skip
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "Passed" in fresh.stdout


def test_try_repo_regenerate_hook_rewrites_a_stale_manifest(
    project: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    stale = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo), "http2-push-manifest")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "files were modified by this hook" in stale.stdout
    assert manifest(project) == FRESH

    git(project, "commit", "-q", "-am", "regenerated")
    fresh = pre_commit(project, pre_commit_home, "try-repo", str(hooks_repo), "http2-push-manifest")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert manifest(project) == FRESH


def test_config_from_the_readme_and_strict_broken_reference(
    project: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    """The ``.pre-commit-config.yaml`` users copy, with the hooks repository pinned by commit."""
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n"
        "      - id: http2-push-manifest-check\n"
    )
    git(project, "add", ".pre-commit-config.yaml")
    git(project, "commit", "-q", "-m", "hooks")

    stale = pre_commit(project, pre_commit_home, "run")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "is stale" in stale.stdout

    (project / "site/push_manifest.json").write_text(FRESH)
    git(project, "commit", "-q", "-am", "fresh manifest")
    fresh = pre_commit(project, pre_commit_home, "run")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr

    (project / "site/index.html").write_text(
        '<link rel="stylesheet" href="css/app.css">\n<img src="img/missing.png">\n'
    )
    git(project, "commit", "-q", "-am", "broken image")
    broken = pre_commit(project, pre_commit_home, "run")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "index.html:2: 'img/missing.png':" in broken.stdout
    assert "'img/missing.png'" in broken.stdout
    assert "error: --strict: 1 broken reference(s)" in broken.stdout
    assert json.loads(manifest(project)) == json.loads(FRESH)
