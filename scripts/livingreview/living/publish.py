"""Frozen versions with mike (https://github.com/jimporter/mike), Material's documented way.

`make publish` builds the version in mkdocs.yml (`extra.review.version`) and commits it to the local
gh-pages branch under its own folder (/0.2.0/), never over a version already there: a published
version is frozen. When it is the newest version, the `latest` alias moves to it and the site's
root redirects there. Nothing is pushed: the deploy workflow pushes gh-pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.living.manifest import version_key

BRANCH = "gh-pages"
LATEST = "latest"


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Published:
    version: str
    aliases: tuple[str, ...]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def _mike(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """mike's command line, from the same environment as this Python (it has no `python -m mike`)."""
    script = Path(sys.executable).with_name("mike")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from mike.driver import main; main()"]
    # mike runs `mkdocs build` by name: the one next to this Python first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run([*command, *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PATH": path, **(env or {})})


def published_versions(root: Path) -> list[Published]:
    """The versions on the local gh-pages branch (none when there is no such branch)."""
    if _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}").returncode != 0:
        return []
    listed = _mike(root, "list", "--json", "--branch", BRANCH)
    if listed.returncode != 0:
        raise PublishError(f"mike could not list the published versions: {listed.stderr.strip()[-400:]}")
    return [Published(str(v["version"]), tuple(v.get("aliases") or ())) for v in json.loads(listed.stdout or "[]")]


def current_version(root: Path) -> str:
    config = load_mkdocs_yaml(root / "mkdocs.yml")
    version = str(((config.data.get("extra") or {}).get("review") or {}).get("version") or "")
    if not version:
        raise PublishError("mkdocs.yml has no extra.review.version to publish")
    return version


def publish(root: Path, *, say=print) -> str:
    """Deploy the configured version to gh-pages (moving `latest` when it is the newest); its summary line."""
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise PublishError(f"{root} is not a git checkout: publishing commits to its gh-pages branch")
    version = current_version(root)
    versions = published_versions(root)
    if any(v.version == version for v in versions):
        raise PublishError(f"version {version} is already published on {BRANCH} and a published version is frozen: "
                           "release a new version (make release VERSION=...) instead")
    newest = all(version_key(version) > version_key(v.version) for v in versions)
    aliases = [LATEST] if newest else []
    say(f"publish: building version {version} into {BRANCH}" + (f" as {LATEST}" if newest else
                                                                 " (an older version: latest stays)"))
    # MKDOCS_STRICT: mkdocs.yml reads `strict` from it, so mike's build fails on any warning, as `make build` does.
    # REVIEW_VERSIONS: turns on Material's version selector, which reads mike's versions.json.
    deployed = _mike(root, "deploy", "--branch", BRANCH, "--title", version, "--update-aliases",
                     "--message", f"Publish version {version}", version, *aliases,
                     env={"MKDOCS_STRICT": "true", "REVIEW_VERSIONS": "mike"})
    if deployed.returncode != 0:
        raise PublishError(f"mike deploy failed:\n{(deployed.stderr or deployed.stdout).strip()[-3000:]}")
    if newest:
        default = _mike(root, "set-default", "--branch", BRANCH, LATEST)
        if default.returncode != 0:
            raise PublishError(f"mike set-default failed: {default.stderr.strip()[-400:]}")
        redirect_unversioned_addresses(root, version, [v.version for v in versions] + [version], say=say)
    return f"publish: version {version} is on {BRANCH}" + (f", {LATEST} points to it" if newest else "") + \
        " (not pushed: the deploy workflow pushes)"


# --- addresses without a version -----------------------------------------------------

REDIRECT_MARK = '<meta name="livingreview-redirect" content="latest">'
REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting to the latest version</title>
{mark}
<meta name="robots" content="noindex">
<link rel="canonical" href="{target}">
<script>location.replace("{target}" + location.hash)</script>
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body><p>This page is in <a href="{target}">the latest version of the review</a>.</p></body>
</html>
"""


def redirect_page(target: str) -> str:
    return REDIRECT_PAGE.format(mark=REDIRECT_MARK, target=target)


def redirect_unversioned_addresses(root: Path, version: str, versions: list[str], *, say=print) -> int:
    """Every page of `version` also answers at its address without a version (/sites/lung/, as links made
    before versioning and version 0.1.0's citations name it), sending the reader, #section included, to
    the same page in latest. Only our own redirect pages are ever overwritten; nothing is pushed."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="gh-pages-") as tmp:
        work = Path(tmp) / "pages"
        added = _git(root, "worktree", "add", "--quiet", str(work), BRANCH)
        if added.returncode != 0:
            raise PublishError(f"could not check out {BRANCH} to add redirects: {added.stderr.strip()[-400:]}")
        try:
            reserved = set(versions) | {LATEST}
            written = 0
            for page in sorted((work / version).rglob("index.html")):
                relative = page.parent.relative_to(work / version)
                if not relative.parts or relative.parts[0] in reserved:
                    continue  # the site's root is mike's redirect; a version folder is never touched
                stub = work / relative / "index.html"
                if stub.exists() and REDIRECT_MARK not in stub.read_text(encoding="utf-8", errors="replace"):
                    continue
                target = "../" * len(relative.parts) + f"{LATEST}/{relative.as_posix()}/"
                content = redirect_page(target)
                if not stub.exists() or stub.read_text(encoding="utf-8") != content:
                    stub.parent.mkdir(parents=True, exist_ok=True)
                    stub.write_text(content, encoding="utf-8")
                    written += 1
            if written:
                for args in (("add", "-A"), ("commit", "--quiet", "-m",
                                             f"Addresses without a version lead to latest ({version})")):
                    done = _git(work, *args)
                    if done.returncode != 0:
                        raise PublishError(f"git {args[0]} on {BRANCH} failed: {done.stderr.strip()[-400:]}")
                say(f"publish: {written} address(es) without a version now lead to {LATEST}")
            return written
        finally:
            _git(root, "worktree", "remove", "--force", str(work))
