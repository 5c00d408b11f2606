"""The helper process (livingreview.speed.offload) and the promises a DigestCache takes from it.

Whatever the helper does, the build's result must be what the work done in
place gives: these tests check the helper is used only past the in-place
budget, really runs elsewhere, and that a failed call, a dead helper or a
result not ready in time all fall back to doing the work in place.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future

import pytest

from livingreview.speed import offload
from livingreview.core.digest_cache import DigestCache, digest_of, kept_or_made


@pytest.fixture
def helper(monkeypatch):
    """A fresh helper state for each test (any helper it starts is closed after it)."""
    monkeypatch.setattr(offload, "_helper", None)
    monkeypatch.setattr(offload, "_cores", lambda: 2)
    monkeypatch.delenv("LIVINGREVIEW_OFFLOAD_AFTER", raising=False)
    offload.new_build(True)
    yield offload
    if offload._helper is not None:
        offload._helper.close()


def test_small_work_stays_in_place_and_large_work_goes_to_another_process(helper):
    budget = offload.DEFAULT_AFTER
    assert helper.submit(os.getpid, cost=budget / 2) is None
    assert helper.submit(os.getpid, cost=budget / 2) is None  # exactly the budget: still in place
    future = helper.submit(os.getpid, cost=0.001)
    assert future is not None
    assert future.result(timeout=60) != os.getpid()
    assert helper.answered() == {"posix.getpid": 1}
    helper.new_build(True)  # a new build starts with its budget again
    assert helper.submit(os.getpid, cost=0.01) is None


def test_the_helper_yields_the_cores_to_the_build(helper):
    """Its work only saves the main thread work when a core is idle: it runs at a lower priority."""
    future = helper.submit(os.getpriority, os.PRIO_PROCESS, 0, cost=1)
    assert future.result(timeout=60) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + offload.NICENESS)


@pytest.mark.parametrize("why", ["switched off", "one core", "budget from the environment"])
def test_no_helper_when_off_on_one_core_or_below_a_set_budget(helper, monkeypatch, why):
    if why == "switched off":
        helper.new_build(False)
    elif why == "one core":
        monkeypatch.setattr(offload, "_cores", lambda: 1)
    else:
        monkeypatch.setenv("LIVINGREVIEW_OFFLOAD_AFTER", str(10 ** 9))
    assert helper.submit(os.getpid, cost=100) is None
    assert helper._helper is None, "no process should have been started"


def test_a_failed_call_is_computed_in_place(helper):
    future = helper.submit(int, "not a number", cost=100)
    assert future is not None
    with pytest.raises(RuntimeError, match="builtins.int failed: ValueError"):
        future.result(timeout=60)
    assert helper.result(future, lambda: 7) == 7
    assert helper.result(None, lambda: 8) == 8  # no helper: in place


def test_an_argument_that_does_not_pickle_fails_that_call_only(helper):
    bad = helper.submit(len, [lambda: None], cost=100)
    good = helper.submit(len, [1, 2, 3], cost=100)
    assert helper.result(bad, lambda: "in place") == "in place"
    assert good.result(timeout=60) == 3


def test_submit_each_gives_one_future_per_value(helper):
    assert helper.wanted(100)
    parts = helper.submit_each(sorted, [3, 1, 2], count=3, cost=None)
    assert [p.result(timeout=60) for p in parts] == [1, 2, 3]
    wrong = helper.submit_each(sorted, [3, 1, 2], count=2, cost=None)
    for part in wrong:
        with pytest.raises(RuntimeError, match="returned 3 values, not 2"):
            part.result(timeout=60)


def test_a_dead_helper_fails_what_it_owed_and_takes_no_more(helper):
    slow = helper.submit(time.sleep, 30, cost=100)
    helper._helper.process.kill()
    assert helper.result(slow, lambda: "in place") == "in place"
    assert helper.submit(os.getpid, cost=100) is None, "no second helper in the same process"


def test_a_promise_is_taken_when_ready_waited_for_when_started_and_withdrawn_when_not(tmp_path):
    """No value is made twice: one the helper has started on is waited for; one it has not is withdrawn
    (cancelled, so the helper never makes it) and made in place."""
    kept = DigestCache(tmp_path / "kept.json")
    made: list[str] = []

    def make(text: str) -> str:
        made.append(text)
        return text.upper()

    ready, started, queued, failed = Future(), Future(), Future(), Future()
    ready.set_result("FROM THE HELPER")
    started.set_running_or_notify_cancel()
    threading.Timer(0.2, started.set_result, ["STARTED BY THE HELPER"]).start()
    failed.set_exception(RuntimeError("helper died"))
    for text, future in (("ready", ready), ("started", started), ("queued", queued), ("failed", failed),
                         ("unasked", ready)):
        key = digest_of([text])
        assert not kept.has(key)
        kept.promise(key, future)
        assert kept.has(key)
    assert kept_or_made(kept, ["ready"], lambda: make("ready")) == "FROM THE HELPER"
    assert kept_or_made(kept, ["started"], lambda: make("started")) == "STARTED BY THE HELPER"
    assert kept_or_made(kept, ["queued"], lambda: make("queued")) == "QUEUED"
    assert queued.cancelled(), "withdrawn: the helper must not make it too"
    assert kept_or_made(kept, ["failed"], lambda: make("failed")) == "FAILED"
    assert made == ["queued", "failed"]
    assert kept_or_made(kept, ["queued"], lambda: make("again")) == "QUEUED"
    kept.save()
    assert len(DigestCache(tmp_path / "kept.json").data) == 4, "a promise nobody asked for is not kept"


def _wait_until(condition, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_a_withdrawn_call_never_reaches_the_helper(helper):
    """Calls wait in the build's process while the helper is busy; one withdrawn there is never sent."""
    busy = helper.submit(time.sleep, 1, cost=100)
    big = helper.submit(len, "x" * 2_000_000, cost=100)  # more than a pipe holds: sent while the helper sleeps
    later = helper.submit(os.getpid, cost=100)
    _wait_until(big.running)
    assert later.cancel(), "not sent yet: it can be withdrawn"
    assert not big.cancel(), "being sent: it cannot"
    assert big.result(timeout=60) == 2_000_000 and busy.result(timeout=60) is None
    assert helper.submit(abs, -3, cost=100).result(timeout=60) == 3
    assert helper.answered() == {"time.sleep": 1, "builtins.len": 1, "builtins.abs": 1}


def test_withdrawing_one_value_of_a_call_withdraws_the_call(helper):
    busy = helper.submit(time.sleep, 1, cost=100)
    big = helper.submit(len, "x" * 2_000_000, cost=100)
    parts = helper.submit_each(sorted, [3, 1, 2], count=3, cost=100)
    _wait_until(big.running)
    assert not parts[0].running()
    assert parts[1].cancel()
    for part in parts:  # the others fail: their askers make them
        with pytest.raises(Exception):
            part.result(timeout=60)
    assert big.result(timeout=60) == 2_000_000 and busy.result(timeout=60) is None
    assert "builtins.sorted" not in helper.answered()


def test_scan_ahead_sends_unknown_pages_and_stops_in_a_warm_build(tmp_path, monkeypatch):
    from livingreview.checks import links
    from livingreview.speed.links_ahead import ScanAhead

    sent: list[str] = []

    def submit(function, text, cost):
        sent.append(text)
        future: Future = Future()
        future.set_result(function(text))
        return future

    monkeypatch.setattr(offload, "submit", submit)
    kept = DigestCache(tmp_path / "links.pickle")
    known = [f'<a href="#p{i}" id="p{i}">{i}</a>' for i in range(4)]
    for page in known:
        kept.put(digest_of([page.encode()]), links.scan_html(page))
    ahead = ScanAhead(kept, give_up=3)
    ahead(known[0])
    ahead("<p id='new'>new</p>")  # unknown: sent, and its scan promised to check_site
    assert sent == ["<p id='new'>new</p>"]
    assert kept_or_made(kept, [b"<p id='new'>new</p>"], lambda: pytest.fail("not taken")) == ({"new"}, [])
    for page in known[1:]:
        ahead(page)  # three known pages in a row: a warm build
    ahead("<p id='late'>late</p>")
    assert sent == ["<p id='new'>new</p>"], "a warm build stops scanning ahead"
