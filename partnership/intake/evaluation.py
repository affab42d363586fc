"""Scoring proposals against annotated releases: precision and recall per kind, dates, wrong matches.

A release of the corpus is `NAME.txt` (the text) beside `NAME.json` (what it should give):
the dateline, the meeting's date, and per kind the records named, each with the slug of the
existing record it is (`existing`) or null when it is new; outcomes with their kind, paragraph
and a phrase of their text. Pure comparison: the caller proposes (with whatever known names)
and hands the proposals in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..names import name_key
from .proposal import Proposal

KINDS = ("officials", "organisations", "areas", "agreements", "outcomes")


@dataclass
class Release:
    name: str
    text: str
    expected: dict


def read_corpus(directory: Path) -> list[Release]:
    """Every annotated release in the folder (and its sub-folders), in name order."""
    releases = []
    for text_path in sorted(directory.rglob("*.txt")):
        expected_path = text_path.with_suffix(".json")
        if expected_path.exists():
            releases.append(
                Release(
                    str(text_path.relative_to(directory)),
                    text_path.read_text(encoding="utf-8"),
                    json.loads(expected_path.read_text(encoding="utf-8")),
                )
            )
    return releases


@dataclass
class Score:
    proposed: int = 0
    expected: int = 0
    found: int = 0  # expected items the proposal has
    correct: int = 0  # proposed items the annotation has

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {kind: Score() for kind in KINDS})
    releases: int = 0
    meeting_dates_right: int = 0
    datelines_right: int = 0
    wrong_matches: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    date_errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "releases": self.releases,
            "kinds": {
                kind: {
                    "precision": round(score.precision, 3),
                    "recall": round(score.recall, 3),
                    "proposed": score.proposed,
                    "expected": score.expected,
                }
                for kind, score in self.scores.items()
            },
            "meeting_dates_right": self.meeting_dates_right,
            "datelines_right": self.datelines_right,
            "wrong_matches": self.wrong_matches,
            "misses": self.misses,
            "extras": self.extras,
            "date_errors": self.date_errors,
        }


def _keys(item: dict) -> set[str]:
    return {name_key(value) for value in [item.get("name", ""), item.get("acronym", ""), *item.get("also", [])]} - {""}


def _proposed_keys(item) -> set[str]:
    keys = {name_key(item.name), name_key(getattr(item, "acronym", "") or "")} - {""}
    if item.match:
        keys.add(name_key(item.match.name))
    return keys


def _same(expected: dict, item) -> bool:
    if expected.get("existing") and item.match:
        return item.match.slug == expected["existing"]
    return bool(_keys(expected) & _proposed_keys(item))


def score_release(release: Release, proposal: Proposal, report: Report) -> None:
    expected = release.expected
    report.releases += 1
    for kind in KINDS[:-1]:
        items = getattr(proposal, kind)
        wanted = expected.get(kind, [])
        score = report.scores[kind]
        score.proposed += len(items)
        score.expected += len(wanted)
        for want in wanted:
            if any(_same(want, item) for item in items):
                score.found += 1
            else:
                report.misses.append(f"{release.name}: {kind} {want['name']!r}")
        for item in items:
            twin = next((want for want in wanted if _same(want, item)), None)
            if twin is None:
                report.extras.append(f"{release.name}: {kind} {item.name!r}")
                # A person the release does not name, matched to someone known, is a wrong match.
                if item.match and kind == "officials":
                    report.wrong_matches.append(f"{release.name}: {kind} {item.name!r} → {item.match.slug} (not named)")
                continue
            score.correct += 1
            if item.match and item.match.slug != twin.get("existing"):
                report.wrong_matches.append(
                    f"{release.name}: {kind} {item.name!r} → {item.match.slug}, is {twin.get('existing')}"
                )
    _score_outcomes(release, proposal, report)
    _score_dates(release, proposal, report)


def _score_outcomes(release: Release, proposal: Proposal, report: Report) -> None:
    score = report.scores["outcomes"]
    wanted = release.expected.get("outcomes", [])
    score.proposed += len(proposal.outcomes)
    score.expected += len(wanted)
    used: set[int] = set()
    for want in wanted:
        phrase = want["text"].casefold()
        index = next(
            (
                i
                for i, outcome in enumerate(proposal.outcomes)
                if i not in used
                and outcome.kind == want["kind"]
                and outcome.paragraph == want["paragraph"]
                and phrase in outcome.text.casefold()
            ),
            None,
        )
        if index is None:
            report.misses.append(f"{release.name}: outcome {want['kind']} ¶{want['paragraph']} {want['text']!r}")
        else:
            used.add(index)
            score.found += 1
    score.correct += len(used)
    for i, outcome in enumerate(proposal.outcomes):
        if i not in used:
            report.extras.append(f"{release.name}: outcome {outcome.kind} ¶{outcome.paragraph} {outcome.text[:60]!r}")


def _score_dates(release: Release, proposal: Proposal, report: Report) -> None:
    expected = release.expected
    meeting = proposal.meeting_date.isoformat() if proposal.meeting_date else None
    if meeting == expected.get("meeting_date"):
        report.meeting_dates_right += 1
    else:
        report.date_errors.append(f"{release.name}: meeting {meeting}, is {expected.get('meeting_date')}")
    dateline = expected.get("dateline") or {}
    got = (proposal.dateline_place, proposal.dateline_date.isoformat() if proposal.dateline_date else None)
    if got == (dateline.get("place", ""), dateline.get("date")):
        report.datelines_right += 1
    else:
        report.date_errors.append(f"{release.name}: dateline {got}, is {(dateline.get('place'), dateline.get('date'))}")


def format_report(report: Report, title: str) -> str:
    lines = [
        f"{title}: {report.releases} releases",
        "",
        f"{'kind':<14}{'precision':>10}{'recall':>8}{'proposed':>10}{'expected':>10}",
    ]
    for kind, score in report.scores.items():
        lines.append(f"{kind:<14}{score.precision:>10.3f}{score.recall:>8.3f}{score.proposed:>10}{score.expected:>10}")
    lines += [
        "",
        f"meeting dates right: {report.meeting_dates_right}/{report.releases}",
        f"datelines right:     {report.datelines_right}/{report.releases}",
        f"wrong matches to existing records: {len(report.wrong_matches)}",
    ]
    for heading, entries in [
        ("wrong matches", report.wrong_matches),
        ("date errors", report.date_errors),
        ("missed", report.misses),
        ("not in the annotation", report.extras),
    ]:
        if entries:
            lines += ["", f"{heading}:", *(f"  {entry}" for entry in entries)]
    return "\n".join(lines)
