"""`make audit`'s reading of Lighthouse reports (Lighthouse itself runs only in `make audit`)."""

from __future__ import annotations

from livingreview.tools.lighthouse import format_scores, summarize


def report(performance: float, tbt_score: float) -> dict:
    return {
        "categories": {
            "performance": {"score": performance, "auditRefs": [
                {"id": "total-blocking-time", "weight": 30}, {"id": "diagnostic", "weight": 0}]},
            "accessibility": {"score": 1.0, "auditRefs": [{"id": "color-contrast", "weight": 7}]},
            "best-practices": {"score": 1.0, "auditRefs": []},
            "seo": {"score": 1.0, "auditRefs": []},
        },
        "audits": {
            "total-blocking-time": {"score": tbt_score, "displayValue": "210 ms", "title": "Total Blocking Time"},
            "diagnostic": {"score": 0, "title": "Informative only"},
            "color-contrast": {"score": 1, "title": "Contrast"},
        },
    }


def test_shortfalls_name_weighted_audits_below_one_only():
    scores = summarize("/sites/lung/", report(0.93, 0.78))
    assert scores.scores == {"performance": 0.93, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
    assert scores.shortfalls == ["performance: total-blocking-time (0.78) 210 ms: Total Blocking Time"]


def test_summary_says_which_targets_are_missed():
    text = format_scores([summarize("/", report(1.0, 1.0)), summarize("/sites/lung/", report(0.93, 0.78))])
    assert text.splitlines()[-1] == "below target: /sites/lung/ performance 0.93 < target 0.95"
    assert format_scores([summarize("/", report(0.96, 1.0))]).endswith("targets met")
