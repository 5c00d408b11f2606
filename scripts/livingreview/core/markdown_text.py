"""Reading Markdown pages as the checks need them: front matter, code masked, blocks with lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# libyaml's loader when PyYAML has it: the same results, several times faster (make check reads every page).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class FrontMatter:
    data: dict | None
    error: str | None
    error_line: int
    body_start: int  # 0-based index of the first body line


def split_front_matter(text: str) -> FrontMatter:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter(None, None, 1, 0)
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            block = "\n".join(lines[1:i])
            try:
                data = yaml.load(block, Loader=SAFE_LOADER) if block.strip() else {}
            except (yaml.YAMLError, ValueError, RecursionError) as exc:  # ValueError: dates like 2026-13-45
                mark = getattr(exc, "problem_mark", None)
                line = (mark.line + 2) if mark else 1
                return FrontMatter(None, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", line, i + 1)
            if not isinstance(data, dict):
                return FrontMatter(None, "front matter must be a mapping of keys to values", 2, i + 1)
            return FrontMatter(data, None, 1, i + 1)
    return FrontMatter(None, "front matter opened with '---' on line 1 is never closed", 1, len(lines))


def mask_code(text: str) -> tuple[str, list[int]]:
    """Blank out fenced blocks and inline code (same length, newlines kept).

    Returns the masked text and the 1-based lines of fences left unterminated.
    """
    lines = text.split("\n")
    out: list[str] = []
    open_fence: tuple[str, int] | None = None
    for number, line in enumerate(lines, 1):
        match = FENCE.match(line)
        if open_fence is None and match:
            open_fence = (match["fence"], number)
            out.append(" " * len(line))
        elif open_fence is not None:
            closing = FENCE.match(line)
            if closing and closing["fence"][0] == open_fence[0][0] and len(closing["fence"]) >= len(open_fence[0]) \
                    and not line[closing.end():].strip():
                open_fence = None
            out.append(" " * len(line))
        else:
            out.append(line)
    masked = "\n".join(out)
    masked = INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), masked)
    return masked, ([open_fence[1]] if open_fence else [])


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass
class Block:
    text: str
    line: int  # 1-based first line


def blocks(text: str) -> list[Block]:
    """Blank-line separated blocks of (already masked) text."""
    out: list[Block] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            out.append(Block("\n".join(current), start))
            current = []
    if current:
        out.append(Block("\n".join(current), start))
    return out
