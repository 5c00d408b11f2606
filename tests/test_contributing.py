"""What a new contributor reads and runs: guide, templates, issue forms, code owners, spelling, pre-commit."""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from livingreview.core.project import ROOT

GITHUB = ROOT / ".github"


def spell_paths() -> list[str]:
    """SPELL_PATHS from the Makefile: the one list of what codespell reads."""
    match = re.search(r"^SPELL_PATHS :=(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "Makefile: SPELL_PATHS is missing"
    return [str(p.relative_to(ROOT)) for pattern in match[1].split() for p in sorted(ROOT.glob(pattern))]


def codespell(*paths: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "codespell_lib", *paths], cwd=cwd, capture_output=True, text=True)


def test_codespell_finds_no_typo():
    result = codespell(*spell_paths())
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_catches_a_typo_with_the_project_settings(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("The GARD model was proposed; teh dose was changed.\n")
    result = codespell(str(page))
    assert result.returncode != 0 and "teh ==> the" in result.stdout
    assert "GARD" not in result.stdout  # a word from the project list


def test_every_word_in_the_project_list_is_used():
    words = (ROOT / ".codespell-words.txt").read_text(encoding="utf-8").split()
    assert words == sorted(set(words)) and all(w == w.lower() for w in words)
    corpus = " ".join((ROOT / p).read_text(encoding="utf-8") if (ROOT / p).is_file()
                      else " ".join(f.read_text(encoding="utf-8", errors="replace") for f in (ROOT / p).rglob("*")
                                    if f.is_file())
                      for p in spell_paths()).lower()
    for word in words:
        assert re.search(rf"\b{re.escape(word)}\b", corpus), f".codespell-words.txt: '{word}' is used nowhere"


def test_the_guide_covers_what_a_new_contributor_needs():
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in ("make serve", "make test", "make add-ref ID=", "templates/page.md", "<!-- no-claim -->",
                   "make verify-refs", "make linkcheck", "own words", "awaiting clinical review",
                   "Nobody on the project is a clinical reviewer yet"):
        assert needed in guide, f"CONTRIBUTING.md does not mention {needed!r}"
    assert not re.search(r"\b(has|have|were|was) been reviewed by (a )?clinician", guide, re.IGNORECASE)
    assert (ROOT / "templates" / "page.md").is_file()


def test_the_pull_request_template_is_a_checklist():
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] ", template, re.MULTILINE)
    assert len(items) >= 5
    assert "make test" in template and "make add-ref" in template and "own words" in template


FORM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


@pytest.mark.parametrize("name", ["suggest-a-paper.yml", "report-an-error.yml"])
def test_issue_forms_follow_githubs_schema(name):
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
    assert form["name"] and form["description"] and form["body"]
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in FORM_TYPES
        if item["type"] != "markdown":
            assert item["attributes"]["label"] and "id" in item
        if item["type"] == "dropdown":
            assert item["attributes"]["options"]
    assert any(item.get("validations", {}).get("required") for item in form["body"])


def test_issue_chooser_offers_only_the_forms():
    config = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "config.yml").read_text(encoding="utf-8"))
    assert config["blank_issues_enabled"] is False
    assert all(link["url"].startswith("https://") for link in config["contact_links"])


def test_code_owners_name_paths_that_exist():
    lines = [line.split() for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if ".git" not in p.parts and ".venv" not in p.parts]
    for pattern, *owners in lines:
        assert owners and all(re.fullmatch(r"@[\w-]+(/[\w-]+)?", o) for o in owners), pattern
        if pattern == "*":
            continue
        glob = pattern.strip("/") + ("*" if pattern.endswith("/") else "")
        assert any(fnmatch.fnmatch(f, glob) for f in files), f"CODEOWNERS: {pattern} matches no file"
    assert {"/docs/sites/", "/docs/technologies/", "/bib/"} <= {p for p, *_ in lines}


def test_pre_commit_runs_local_fast_checks_only():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert {"make-check", "codespell"} <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "system"
        command = shlex.split(hook["entry"])
        if command[0] == "make":
            target = command[-1]
            dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
            assert dry.returncode == 0, f"pre-commit hook {hook['id']}: no make target {target!r}: {dry.stderr}"
        else:
            assert (ROOT / command[0]).name in ("codespell",)
    assert re.search(hooks["codespell"]["files"], "docs/sites/lung.md")
    assert re.search(hooks["codespell"]["files"], "CONTRIBUTING.md")
    assert re.search(hooks["make-check"]["files"], "bib/references.bib")
