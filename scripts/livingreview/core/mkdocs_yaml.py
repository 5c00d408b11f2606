"""Read mkdocs.yml without MkDocs: tolerant of its custom tags, with line numbers for the nav.

mkdocs.yml may hold tags such as `!!python/name:material.extensions.emoji.twemoji`
or `!ENV [VAR, default]`, which yaml.safe_load refuses. Here any tag is read
as its plain value (a name, a list...), nothing is imported or evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from livingreview.core.findings import Finding


class TolerantLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml's when available) that reads unknown tags as their untagged value."""


def _untagged(loader: TolerantLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node) or suffix
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


TolerantLoader.add_multi_constructor(None, _untagged)  # None: every tag SafeLoader does not know


@dataclass
class NavItem:
    title: str | None
    target: str  # a page path (relative to docs_dir) or a URL
    line: int


@dataclass
class MkDocsYaml:
    path: str
    data: dict[str, Any]
    nav: list[NavItem] | None  # None: no nav given (MkDocs builds one from the files)
    findings: list[Finding] = field(default_factory=list)

    def plugin_config(self, name: str) -> dict[str, Any] | None:
        return _named_config(self.data.get("plugins"), name)

    def extension_config(self, name: str) -> dict[str, Any] | None:
        return _named_config(self.data.get("markdown_extensions"), name)

    # Folders, relative to the project root, with MkDocs' and the plugins' defaults.
    def docs_dir(self) -> str:
        return str(self.data.get("docs_dir") or "docs")

    def bib_dir(self) -> str:
        return str((self.plugin_config("bibtex") or {}).get("bib_dir") or "bib")

    def custom_dir(self) -> str:
        theme = self.data.get("theme")
        return str((theme.get("custom_dir") if isinstance(theme, dict) else None) or "overrides")


def _named_config(items: Any, name: str) -> dict[str, Any] | None:
    """The settings of one plugin / extension in MkDocs' list-or-mapping form, None when absent."""
    if isinstance(items, dict):
        items = [{k: v} for k, v in items.items()]
    for item in items or []:
        if item == name:
            return {}
        if isinstance(item, dict) and name in item:
            return item[name] if isinstance(item[name], dict) else {}
    return None


def load_mkdocs_yaml(path: Path, shown: str = "mkdocs.yml") -> MkDocsYaml:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=TolerantLoader)
        data = yaml.load(text, Loader=TolerantLoader)
    except FileNotFoundError:
        return MkDocsYaml(shown, {}, None, [Finding(shown, 1, "error", "no mkdocs.yml", "mkdocs-yml")])
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        message = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        return MkDocsYaml(shown, {}, None, [Finding(shown, line, "error", f"cannot read mkdocs.yml: {message}",
                                                    "mkdocs-yml")])
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return MkDocsYaml(shown, {}, None, [Finding(shown, 1, "error", "mkdocs.yml is not a mapping", "mkdocs-yml")])
    nav_node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "nav"), None)
    findings: list[Finding] = []
    nav = _nav_items(nav_node, None, shown, findings) if nav_node is not None else None
    return MkDocsYaml(shown, data, nav, findings)


def _nav_items(node: yaml.Node, title: str | None, shown: str, findings: list[Finding]) -> list[NavItem]:
    """Flatten a nav node: `- page.md`, `- Title: page.md`, `- Section: [...]`."""
    if isinstance(node, yaml.ScalarNode):
        return [NavItem(title, node.value, node.start_mark.line + 1)]
    if isinstance(node, yaml.SequenceNode):
        return [item for child in node.value for item in _nav_items(child, None, shown, findings)]
    if isinstance(node, yaml.MappingNode):
        out: list[NavItem] = []
        for key, value in node.value:
            out += _nav_items(value, getattr(key, "value", None), shown, findings)
        return out
    findings.append(Finding(shown, node.start_mark.line + 1, "error", "unreadable nav entry", "nav"))
    return []
