"""Pure work handed to one helper process, on the core a build's main thread leaves idle.

On two cores a cold build keeps the second one busy with pandoc while the pages
are converted; from then on MkDocs renders pages, Material indexes them for
search and the link check reads them, all on one thread. Work that is a pure
function of picklable arguments (a page's search entries, a built page's ids and
links) can run in a helper process instead, and its result is used where the
build would have computed it, so the output is the same either way.

Only a build with much such work uses the helper: each build does its first
0.1 s of it in place (LIVINGREVIEW_OFFLOAD_AFTER, in seconds, as estimated by
the callers from the size of the input), so a `mkdocs serve` rebuild of one
edited page starts no process. The helper is
`python -m livingreview.speed.offload`, fed pickled calls on its stdin and answering
on its stdout, by two threads here so the build never waits on a pipe. It is
started as a fresh interpreter, not by multiprocessing: forking a process that
runs threads is unsafe, and multiprocessing's `spawn` runs the parent's main
script again in the child (any unguarded script that calls MkDocs' build). A
helper that fails or dies only means the work is done in place. A call still
waiting to be sent when the build makes its value itself is withdrawn (its
future cancelled), so the helper never makes a value twice.
"""

from __future__ import annotations

import atexit
import collections
import importlib
import itertools
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future, InvalidStateError
from typing import Any, Callable, Iterable, TypeVar

from livingreview.core import project
from livingreview.core.digest_cache import DigestCache
from livingreview.core.short_markdown import ShortMarkdown, convert_all

T = TypeVar("T")

DEFAULT_AFTER = 0.1  # seconds of work (estimated) per build done in place before the helper is used
RESULT_TIMEOUT = 600  # seconds to wait for one answer before computing it in place

_enabled = True
_done_here = 0.0  # seconds of work (estimated) this build did in place


def new_build(enabled: bool) -> None:
    """Start counting a build's work again; `enabled` False keeps all work in place."""
    global _done_here, _enabled
    _done_here, _enabled = 0.0, enabled


def _after() -> float:
    try:
        return max(0.0, float(os.environ.get("LIVINGREVIEW_OFFLOAD_AFTER", DEFAULT_AFTER)))
    except ValueError:
        return DEFAULT_AFTER


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


NICENESS = 10  # the helper's priority below the build's (Unix niceness added)


def _yield_to_the_build(pid: int) -> None:
    """Lower the helper's priority: its work only saves the build's main thread work when a core is idle, so
    it must not slow that thread (or pandoc, whose result the pages wait for) when none is."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + NICENESS)
    except (AttributeError, OSError):  # no priorities here: the helper runs as it is
        pass


class Helper:
    """The helper process and the two threads that feed it calls and take its answers."""

    def __init__(self) -> None:
        path = os.pathsep.join(filter(None, [str(project.SCRIPTS), os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen([sys.executable, "-m", __name__], env={**os.environ, "PYTHONPATH": path},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        _yield_to_the_build(self.process.pid)
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.waiting: dict[int, tuple[Future, str]] = {}  # by call number: its future, the function's name
        self.answered: collections.Counter[str] = collections.Counter()  # calls made, by function
        self.numbers = itertools.count()
        self.alive = True
        threading.Thread(target=self._send, name="offload-send", daemon=True).start()
        threading.Thread(target=self._receive, name="offload-receive", daemon=True).start()

    def submit(self, function: Callable[..., T], args: tuple) -> Future[T]:
        future: Future[T] = Future()
        number = next(self.numbers)
        self.waiting[number] = future, f"{function.__module__}.{function.__qualname__}"
        self.calls.put((number, function.__module__, function.__qualname__, args))
        if not self.alive:  # it died meanwhile; _fail_all may have missed this one
            self._answer(number, False, "the helper process ended")
        return future

    def close(self) -> None:
        """End the helper at once: its answers are pure results, so what it still has to do can be dropped."""
        self.alive = False
        self.process.kill()
        self.process.wait()

    def _send(self) -> None:
        stream = self.process.stdin
        try:
            while (call := self.calls.get()) is not None:
                future = self.waiting.get(call[0], (None, ""))[0]
                if future is not None and not future.set_running_or_notify_cancel():
                    self.waiting.pop(call[0], None)  # withdrawn by the build (it made the value itself)
                    continue
                try:
                    data = pickle.dumps(call, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as error:  # an argument that does not pickle: that call only fails
                    self._answer(call[0], False, error)
                    continue
                stream.write(data)
                stream.flush()
            stream.close()
        except OSError:  # the helper is gone
            self._fail_all()

    def _receive(self) -> None:
        try:
            while True:
                self._answer(*pickle.load(self.process.stdout))
        except Exception:  # EOF: the helper ended or died
            self._fail_all()

    def _answer(self, number: int, ok: bool, value: Any) -> None:
        future, name = self.waiting.pop(number, (None, ""))
        if future is None:
            return
        try:
            if ok:
                self.answered[name] += 1
                future.set_result(value)
            else:
                future.set_exception(RuntimeError(f"offloaded call to {name} failed: {value}"))
        except InvalidStateError:  # withdrawn before it was sent: nobody waits for it
            pass

    def _fail_all(self) -> None:
        self.alive = False
        for number in list(self.waiting):
            self._answer(number, False, "the helper process ended")


_helper: Helper | None = None
_starting = threading.Lock()


def wanted(cost: float) -> bool:
    """Whether work of about `cost` seconds should go to the helper: not while the build has done little
    work in place (this is then counted as done), on one core, or switched off."""
    global _done_here
    if not _enabled or _cores() < 2 or _done_here + cost <= _after():
        _done_here += cost
        return False
    return True


def submit(function: Callable[..., T], *args: Any, cost: float | None) -> Future[T] | None:
    """function(*args) in the helper process, or None: compute it in place (not `wanted(cost)`, or the
    helper is gone; cost None: the caller asked `wanted` for a batch). `function` must be a
    module-level function, its arguments picklable."""
    global _helper
    if cost is not None and not wanted(cost):
        return None
    with _starting:  # the build's thread and pandoc's may submit at once: one helper
        if _helper is None:
            try:
                _helper = Helper()
            except OSError:
                return None
    if not _helper.alive:
        return None  # it died in this process: no second one
    return _helper.submit(function, args)


class _Part(Future):
    """One value of a call's list (submit_each): started with the call, withdrawn with it (its other values
    then fail, and their askers make them)."""

    def __init__(self, whole: Future) -> None:
        super().__init__()
        self._whole = whole

    def running(self) -> bool:
        return self._whole.running()

    def cancel(self) -> bool:
        return self._whole.cancel()


def submit_each(function: Callable[..., list[T]], *args: Any, count: int,
                cost: float | None) -> list[Future[T]] | None:
    """As submit, for a function returning a list of `count` values: one future per value."""
    whole = submit(function, *args, cost=cost)
    if whole is None:
        return None
    parts: list[Future[T]] = [_Part(whole) for _ in range(count)]

    def spread(done: Future[list[T]]) -> None:
        try:
            values = done.result()
            if len(values) != count:
                raise RuntimeError(f"offloaded call returned {len(values)} values, not {count}")
        except Exception as error:
            for part in parts:
                part.set_exception(error)
            return
        for part, value in zip(parts, values):
            part.set_result(value)

    whole.add_done_callback(spread)
    return parts


def make_ahead(cache: DigestCache, digest: str, function: Callable[..., Any], *args: Any, cost: float) -> None:
    """Unless `cache` keeps or promises a value for `digest`, promise function(*args) made by the helper
    (when it takes work of about `cost` seconds; otherwise the asker makes it later)."""
    if not cache.has(digest) and (future := submit(function, *args, cost=cost)):
        cache.promise(digest, future)


CONVERTED_PER_SECOND = 0.75e6  # characters of short Markdown converted per second, about


def convert_ahead(to_html: ShortMarkdown, texts: Iterable[str], chunk: int = 100) -> None:
    """Have the helper convert those of `texts` (in the order they will be asked for) that Markdown must
    convert and `to_html` does not keep, `chunk` texts per call, last ones first: the asker converts the
    first ones itself meanwhile, and the two meet (a build with few gets none)."""
    todo: dict[str, str] = {}
    for text in texts:
        if (key := to_html.key(text)) is not None and not to_html.cache.has(key):
            todo[key] = text
    if not wanted(sum(map(len, todo.values())) / CONVERTED_PER_SECOND):
        return
    items = list(todo.items())
    for start in reversed(range(0, len(items), chunk)):
        part = items[start:start + chunk]
        futures = submit_each(convert_all, to_html.fingerprint, [text for _, text in part], count=len(part),
                              cost=None)
        for (key, _), future in zip(part, futures or ()):
            to_html.cache.promise(key, future)


def answered() -> dict[str, int]:
    """How many calls the helper has answered in this process, by function (empty: no helper)."""
    return dict(_helper.answered) if _helper is not None else {}


def result(future: Future[T] | None, compute: Callable[[], T]) -> T:
    """The helper's result, or compute() in place when there was no helper or the call failed."""
    if future is not None:
        try:
            return future.result(timeout=RESULT_TIMEOUT)
        except Exception:
            pass
    return compute()


@atexit.register
def _close() -> None:
    if _helper is not None:
        _helper.close()


def main() -> int:
    """The helper: answer each pickled (number, module, function, args) on stdin with (number, ok, value)."""
    calls, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    while True:
        try:
            number, module, name, args = pickle.load(calls)
        except EOFError:
            return 0
        try:
            answer = (number, True, getattr(importlib.import_module(module), name)(*args))
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            data = pickle.dumps((number, False, f"{type(error).__name__}: {error}"))
        answers.write(data)
        answers.flush()


if __name__ == "__main__":
    sys.exit(main())
