"""What came of the meeting: sentences that say what was agreed, adopted, welcomed, decided or discussed.

A sentence gives an outcome for each kind of reporting verb in it; the text is the sentence as
the release words it. The summary is the release's lead: its first sentence after
the dateline, with the next one when the first is short.
"""

from __future__ import annotations

import re

from .proposal import ProposedOutcome, ProposedSummary

# Reporting verbs → outcome kind (OutcomeKind values). Adopting, deciding, endorsing and signing are things agreed.
_VERBS = [
    (r"agreed|agree|adopted|adopt|decided|endorsed|approved|signed", "agreed"),
    (r"reaffirmed|reaffirm|reiterated|reiterate|renewed their commitment|recommitted", "reaffirmed"),
    (r"welcomed|welcome[sd]?\s(?:the|this|that|progress)|commended|lauded", "welcomed"),
    (
        r"expressed\s(?:\w+\s){0,2}(?:appreciation|gratitude|thanks)|thanked|appreciated|conveyed\s(?:\w+\s)?gratitude",
        "appreciated",
    ),
    (r"look(?:ed|s)?\sforward", "looked_forward"),
    (
        r"discussed|exchanged\s(?:\w+\s){0,2}views|exchanges?\sof\sviews|held\s(?:\w+\s){0,2}discussions?|deliberated|reviewed|explored|took\sstock|shared\s(?:\w+\s){0,2}"
        r"(?:updates|experiences|views)|touched\s(?:up)?on",
        "discussed",
    ),
]
_ALTERNATIVES = "|".join(f"(?P<k{index}>{pattern})" for index, (pattern, _) in enumerate(_VERBS))
_VERB = re.compile(rf"(?<![\w-])(?:{_ALTERNATIVES})(?![\w-])", re.IGNORECASE)
# "the agreed text", "a welcome step": an adjective, not what the meeting did.
# "a plan to be adopted", "will be signed": what is yet to happen is no outcome.
_NOT_A_VERB_BEFORE = re.compile(
    r"(?:\b(?:the|an?|its|their|mutually|newly|jointly|to\sbe|will\sbe|would\sbe|yet\sto\sbe)\s)$", re.IGNORECASE
)
# "the Declaration, signed in 2011": history the release recalls, not the meeting's outcome.
_HISTORY_AFTER = re.compile(r"\s(?:in|since)\s(?:\d{4}|the\s\d{4}s)\b")


def outcome_kinds(sentence: str) -> list[str]:
    """The kinds of the sentence's reporting verbs, each once, in the order written."""
    kinds: list[str] = []
    for match in _VERB.finditer(sentence):
        if _NOT_A_VERB_BEFORE.search(sentence[max(0, match.start() - 12) : match.start()]):
            continue
        if _HISTORY_AFTER.match(sentence, match.end()):
            continue
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value)
        if _VERBS[index][1] not in kinds:
            kinds.append(_VERBS[index][1])
    return kinds


def extract_outcomes(sentences: list[tuple[int, str]]) -> list[ProposedOutcome]:
    """An outcome per reporting verb of each sentence ("discussed X and agreed Y" gives two), in text order."""
    return [
        ProposedOutcome(kind=kind, text=sentence.strip(), paragraph=paragraph)
        for paragraph, sentence in sentences
        for kind in outcome_kinds(sentence)
    ]


def extract_summary(sentences: list[tuple[int, str]]) -> ProposedSummary | None:
    """The lead: the first sentence of the body, and the second when the first is short."""
    if not sentences:
        return None
    paragraph, first = sentences[0]
    text = first.strip()
    following = [s for p, s in sentences[1:3] if p == paragraph]
    if len(text) < 160 and following:
        text = f"{text} {following[0].strip()}"
    return ProposedSummary(text=text, paragraph=paragraph)
