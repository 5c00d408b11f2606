"""Command line: `python -m livingreview <command>` (the Makefile's targets call these).

Each command is a function taking the parsed arguments and returning the exit
status, registered with one `add_parser` call in build_parser(). To add one:
write `def cmd_name(args) -> int`, then add its parser and `set_defaults(run=cmd_name)`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable

from livingreview.core.findings import Finding, has_errors
from livingreview.core.project import ROOT


def report(findings: Iterable[Finding], what: str) -> int:
    """Print findings one per line (stdout), a summary (stderr); 1 if any is an error."""
    findings = list(findings)
    for finding in findings:
        print(finding)
    sys.stdout.flush()  # findings before the summary, also when both go to one terminal
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    print(f"{what}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if has_errors(findings) else 0


def cmd_check(args: argparse.Namespace) -> int:
    from livingreview.checks import run_checks

    return report(run_checks(args.root), "check")


def cmd_fingerprint_source(args: argparse.Namespace) -> int:
    from livingreview.checks.content import FINGERPRINT, fingerprint

    try:
        text = args.article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"fingerprint-source: cannot read {args.article}: {exc}", file=sys.stderr)
        return 1
    runs = fingerprint(text)
    FINGERPRINT.write_text("\n".join(runs) + "\n", encoding="utf-8")
    print(f"fingerprint-source: {len(runs)} runs of 12 words written to {FINGERPRINT}", file=sys.stderr)
    return 0


def cmd_format_bib(args: argparse.Namespace) -> int:
    from livingreview.references.bib_format import format_files
    from livingreview.checks.sources import load_sources

    sources = load_sources(args.root)
    findings, changed = format_files(sources.bib_files, sources.root, check_only=args.check)
    if not args.check:
        for path in changed:
            print(f"formatted {path}", file=sys.stderr)
    return report(findings, "format-bib")


def cmd_links(args: argparse.Namespace) -> int:
    from livingreview.checks.links import check_site

    return report(check_site(args.site, args.root), "links")


def cmd_add_ref(args: argparse.Namespace) -> int:
    from livingreview.contrib.add_ref import run

    return run(args)


def cmd_verify_refs(args: argparse.Namespace) -> int:
    from livingreview.contrib.verify_refs import run

    return run(args)


def cmd_evidence_report(args: argparse.Namespace) -> int:
    from livingreview.evidence.report import report

    print(report(args.root))
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    import datetime

    from livingreview.living.release import ReleaseError, make_release

    try:
        released = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
        make_release(args.root, args.version, args.summary, released,
                     say=lambda text: print(text, file=sys.stderr))
    except ValueError as exc:
        print(f"release: error: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"release: refused: {exc}\nrelease: nothing was changed.", file=sys.stderr)
        return 1
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from livingreview.living.publish import PublishError, publish

    try:
        print(publish(args.root, say=lambda text: print(text, file=sys.stderr)), file=sys.stderr)
    except PublishError as exc:
        print(f"publish: error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from livingreview.living.manifest import build_manifest, write_manifest

    path = write_manifest(args.root, build_manifest(args.source or args.root, args.version, args.released))
    print(f"manifest: wrote {path.relative_to(args.root)}", file=sys.stderr)
    return 0


def cmd_surveil(args: argparse.Namespace) -> int:
    from livingreview.living.surveil import run

    return run(args)


def cmd_check_anchors(args: argparse.Namespace) -> int:
    from livingreview.citing.anchors import check_anchors

    return report(check_anchors(args.root), "check-anchors")


def cmd_check_release(args: argparse.Namespace) -> int:
    from livingreview.living.release import check_release

    return report(check_release(args.root), "check-release")


def cmd_publish_anchors(args: argparse.Namespace) -> int:
    from livingreview.citing.anchors import publish

    findings, summary = publish(args.root)
    print(summary, file=sys.stderr)
    return report(findings, "publish-anchors")


def cmd_audit(args: argparse.Namespace) -> int:
    from livingreview.tools.lighthouse import audit, format_scores

    site = args.site or args.root / "site"
    try:
        results = audit(site, args.out or args.root / ".cache" / "lighthouse", root=args.root)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 1
    print(format_scores(results))
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from livingreview.tools.pdf import PdfError, print_site

    site = args.site or args.root / "site"
    output = args.out or site / "review.pdf"
    try:
        pages = print_site(site, output)
    except PdfError as exc:
        print(f"pdf: error: {exc}", file=sys.stderr)
        return 1
    print(f"pdf: wrote {output} ({pages} pages, {output.stat().st_size // 1024} KiB)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m livingreview", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, parents=[common])
        sub.set_defaults(run=run)
        return sub

    command("check", cmd_check, "check citations, bibliography, pages and markup (fast, offline, no build)")
    command("fingerprint-source", cmd_fingerprint_source, "record the source article's 12-word runs (digests "
            "only) for the source-copying check").add_argument("article", type=Path, help="the article as text")
    command("format-bib", cmd_format_bib, "rewrite bib/*.bib in canonical form (never losing a field)") \
        .add_argument("--check", action="store_true", help="only report files not in canonical form")
    command("links", cmd_links, "check a built site's links and anchors, offline (external ones: make linkcheck)") \
        .add_argument("--site", type=Path, default=None, help="built site folder (default: ROOT/site)")
    command("evidence-report", cmd_evidence_report, "per topic page: checked and unchecked records cited, studies "
            "in its key-studies table, sections without a checked citation")
    release = command("release", cmd_release, "bump the version everywhere it lives, record the manifest, what "
                      "changed and the published anchors, commit and tag (make release)")
    release.add_argument("--version", required=True, help="the new version, X.Y.Z, newer than the current one")
    release.add_argument("--summary", required=True, help="one line saying what this version brings")
    release.add_argument("--date", help="release date YYYY-MM-DD (default: today)")
    command("publish", cmd_publish, "deploy the current version with mike into the local gh-pages branch, "
            "moving latest when it is the newest (make publish; never overwrites a published version)")
    manifest = command("manifest", cmd_manifest, "record the release manifest of a version (make release does this; "
                       "use --source to record an older checkout)")
    manifest.add_argument("--version", required=True)
    manifest.add_argument("--released", required=True, help="its release date YYYY-MM-DD")
    manifest.add_argument("--source", type=Path, help="the checkout of that version (default: --root)")
    from livingreview.living import surveil  # its arguments

    surveil.add_arguments(command("surveil", cmd_surveil, "new papers on each topic page's saved PubMed query since "
                                  "its literature_searched date, as a Markdown report (online; make surveil)"))
    command("check-anchors", cmd_check_anchors, "published page addresses and section ids still resolve "
            "(published/anchors.json; renamed pages need a redirect)")
    command("check-release", cmd_check_release, "CITATION.cff and docs/changelog.md agree with the version in "
            "mkdocs.yml (extra.review)")
    command("publish-anchors", cmd_publish_anchors, "add the current pages and section ids to published/anchors.json")
    audit = command("audit", cmd_audit, "Lighthouse scores (desktop) of the built site's home page and one site page, "
                    "served on 127.0.0.1; a benchmark, reports only")
    audit.add_argument("--site", type=Path, default=None, help="built site folder (default: ROOT/site)")
    audit.add_argument("--out", type=Path, default=None, help="folder for the JSON reports (default: ROOT/.cache/lighthouse)")
    pdf = command("pdf", cmd_pdf, "print the built site's whole-review page (print_page/) to one PDF with "
                  "headless chromium")
    pdf.add_argument("--site", type=Path, default=None, help="built site folder (default: ROOT/site)")
    pdf.add_argument("--out", type=Path, default=None, help="PDF to write (default: SITE/review.pdf)")
    from livingreview.contrib import add_ref, verify_refs  # their arguments (registries are imported lazily)

    add_ref.add_arguments(command("add-ref", cmd_add_ref, "add a reference to bib/references.bib by DOI, PMID or NCT "
                                  "number, from Crossref, PubMed or ClinicalTrials.gov"))
    verify_refs.add_arguments(command("verify-refs", cmd_verify_refs, "re-check every entry with a DOI or PMID "
                                      "against Crossref and PubMed; reports, never rewrites (online)"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.root = args.root.resolve()
    return args.run(args)
