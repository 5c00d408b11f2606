"""bib/studies.yaml read into study records, with the line of every record and field for the checks.

The file is a YAML list of mappings (schema.RECORD_SCHEMA); reading never raises:
a file that is not YAML, a record that is not a mapping or breaks the schema
becomes a finding at its line, and the records that are sound are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from livingreview.core.findings import Finding
from livingreview.core.markdown_text import SAFE_LOADER
from livingreview.evidence.schema import DESIGNS, RECORD_SCHEMA

STUDIES_FILE = "studies.yaml"  # in the bibliography's folder (bib/)
CHECK = "study-record"
_VALIDATOR = jsonschema.Draft7Validator(RECORD_SCHEMA)


@dataclass(frozen=True)
class Study:
    key: str
    name: str
    design: str
    patients: int | None
    population: str
    intervention: str
    comparator: str | None
    primary_endpoint: str
    result: str
    follow_up: str | None
    path: str
    line: int  # of the record's first field
    field_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def design_label(self) -> str:
        return DESIGNS[self.design]

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)


@dataclass
class StudySet:
    studies: list[Study]
    findings: list[Finding]

    def by_key(self) -> dict[str, Study]:
        """The first record of each key (a second one is reported by the checks)."""
        out: dict[str, Study] = {}
        for study in self.studies:
            out.setdefault(study.key, study)
        return out


def studies_path(bib_dir: Path) -> Path:
    return bib_dir / STUDIES_FILE


def load_studies(path: Path, shown: str) -> StudySet:
    """The records of `path` (shown in findings as `shown`); no file means no studies."""
    if not path.is_file():
        return StudySet([], [])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return StudySet([], [Finding(shown, 1, "error", f"cannot read the study records: {exc}", CHECK)])
    return parse_studies(text, shown)


def parse_studies(text: str, shown: str) -> StudySet:
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return StudySet([], [Finding(shown, mark.line + 1 if mark else 1, "error",
                                     f"not valid YAML: {getattr(exc, 'problem', None) or exc}", CHECK)])
    if root is None:
        return StudySet([], [])
    if not isinstance(root, yaml.SequenceNode):
        return StudySet([], [Finding(shown, root.start_mark.line + 1, "error",
                                     "the study records must be a YAML list, one '- key: ...' item per study", CHECK)])
    studies: list[Study] = []
    findings: list[Finding] = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            findings.append(Finding(shown, line, "error", "a study record must be a mapping of fields", CHECK))
            continue
        field_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        data = _construct(node)
        problems = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
        if problems:
            label = data.get("key") if isinstance(data.get("key"), str) else "this record"
            reported: set[str] = set()
            for problem in problems:
                name = str(problem.path[0]) if problem.path else ""
                message = _message(problem, name)
                if (name, message) in reported:
                    continue
                reported.add((name, message))
                findings.append(Finding(shown, field_lines.get(name, line), "error", f"{label}: {message}", CHECK))
            continue
        studies.append(Study(key=data["key"], name=data["name"], design=data["design"], patients=data["patients"],
                             population=data["population"], intervention=data["intervention"],
                             comparator=data["comparator"], primary_endpoint=data["primary_endpoint"],
                             result=data["result"], follow_up=data.get("follow_up"), path=shown, line=line,
                             field_lines=field_lines))
    return StudySet(studies, findings)


def _construct(node: yaml.MappingNode) -> dict[str, Any]:
    loader = SAFE_LOADER("")
    try:
        value = loader.construct_mapping(node, deep=True)
    except yaml.YAMLError:
        return {}
    finally:
        loader.dispose()
    return dict(value)


def _message(problem: jsonschema.ValidationError, name: str) -> str:
    """The schema's complaint in the words of the file."""
    kind = problem.validator
    if kind == "required":
        missing = problem.message.split("'")[1] if "'" in problem.message else problem.message
        return f"lacks the field '{missing}'"
    if kind == "additionalProperties":
        return f"unknown field ({problem.message.split('(')[-1].rstrip(')')}); the fields are " + \
            ", ".join(RECORD_SCHEMA["properties"])
    if kind == "enum" and name == "design":
        return f"design {problem.instance!r} is not one of {', '.join(DESIGNS)}"
    if name == "patients":
        if problem.instance is None:
            return "patients must be a whole number (null only for a guideline or consensus statement)"
        if kind == "type" and problem.validator_value == "null":
            return "a guideline or consensus statement enrols no patients: write patients: null"
        return f"patients must be a whole number of patients of at least 1, not {problem.instance!r}"
    if kind in ("type", "minLength", "pattern"):
        wanted = problem.validator_value if kind == "type" else "non-empty text"
        shown = "nothing" if problem.instance is None else repr(problem.instance)
        return f"'{name}' must be {wanted if isinstance(wanted, str) else ' or '.join(wanted)}, not {shown}"
    return f"'{name}': {problem.message}"
