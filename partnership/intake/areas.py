"""Cooperation areas: mentions of the controlled vocabulary by any label, and new areas from topic lists.

Known areas and vocabulary concepts are found by the gazetteer ("countering terrorism" is the
concept Counter-terrorism). A topic listed beside them that the vocabulary lacks ("cooperation
in maritime security, cyber-bullying and ...") is proposed as a new area, with the broader concept
its listed neighbours share — or the most alike concept — as its suggested parent.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ..names import name_key

# Words a single-word label shares with everyday prose: matched only where they name the topic.
AMBIGUOUS = {"economic", "environment", "culture", "media", "energy", "gender", "governance", "labour", "labor"}
_AMBIGUOUS_BEFORE = {
    "business",
    "security",
    "investment",
    "geopolitical",
    "strategic",
    "operating",
    "enabling",
    "policy",
}

_LIST_OPENERS = re.compile(
    r"\b(?:(?:discuss(?:ed)?|covered|focused\son|reviewed|exchanged\sviews\son|cooperate\s(?:on|in))\s"
    r"|(?:cooperation|collaboration|partnership|work|areas?|fields?|sectors?|issues|topics|priorities)"
    r"\s(?:in|on|such\sas|including|covering|of)\s(?:the\s(?:areas?|fields?)\sof\s)?"
    r"|(?:areas?|fields?|issues|topics)\s(?:of\scooperation\s)?(?:such\sas|including|like)\s)",
    re.IGNORECASE,
)
_LIST_END = re.compile(
    r"[.;:()]|,\s(?:including|which|while|as\swell\sas)|\s(?:at|between|with|under|during|through|by)\s"
)
_ITEM_SPLIT = re.compile(r",\s(?:and\s|or\s)?|\s(?:and|or|as\swell\sas)\s")
_STOP_ITEMS = {"others", "other areas", "etc", "more", "interest", "interests", "concern", "importance", "priority"}
_LEADING = {"the", "a", "an", "its", "their", "various", "other", "mutual", "common", "further", "enhanced", "key"}
_LIST_WORDS = {"areas", "area", "fields", "field", "issues", "matters", "sectors", "topics", "priorities"}
_NOT_IN_TOPICS = {"to", "on", "for", "with", "by", "at", "how", "that", "whether", "what", "which", "this", "these"}
MAX_LIST = 240  # characters of a list read after its opener


def is_ambiguous_here(text: str, start: int, label_key: str) -> bool:
    """'the business environment', 'economic growth': everyday uses of a one-word label."""
    if label_key == "investment" and text[start:].lower().startswith("investment in "):
        return True  # "investment in nutrition": spending, not the area of investment
    if label_key not in AMBIGUOUS:
        return False
    if label_key == "economic":
        return True
    before = text[max(0, start - 20) : start].split()
    return bool(before) and before[-1].lower() in _AMBIGUOUS_BEFORE


def listed_topics(text: str, known) -> list[tuple[int, int, str]]:
    """(start, end, topic) of each item of a topic list ('cooperation in X, Y and Z').

    A list ends at its first item that is neither a topic nor a known area (known: the Spans taken
    by areas, bodies and names): after that it is prose, not a list.
    """
    found = []
    for opener in _LIST_OPENERS.finditer(text):
        window = text[opener.end() : opener.end() + MAX_LIST]
        end = _LIST_END.search(window)
        window = window[: end.start()] if end else window
        position = 0
        for piece in _ITEM_SPLIT.split(window):
            start = window.find(piece, position)
            position = start + len(piece)
            words = piece.strip().split()
            while words and words[0].lower() in _LEADING:
                words = words[1:]
            topic = " ".join(words)
            offset = opener.end() + window.find(topic, start) if topic else opener.end() + start
            if _is_topic(topic):
                found.append((offset, offset + len(topic), topic))
            elif not known.overlaps(offset, offset + len(topic)):
                break
    return found


def _is_topic(topic: str) -> bool:
    words = topic.split()
    if not 1 <= len(words) <= 4 or topic.lower() in _STOP_ITEMS:
        return False
    if any(not w[:1].isalpha() for w in words) or _NOT_IN_TOPICS & {w.lower() for w in words}:
        return False
    # Topics are common nouns; a capitalised word (other than an acronym) names something else.
    # A first word in -ing is a verb ("strengthening ties"); a list's own head word is no topic.
    if words[0].endswith("ing") or words[0].lower() in _LIST_WORDS:
        return False
    return all(w.islower() or w.isupper() or "-" in w for w in words)


def suggested_parent(topic: str, neighbours: list[str | None], labels: dict[str, str]) -> str | None:
    """The broader concept for a new topic: its listed neighbours' shared broader one, else the most alike concept."""
    broader = [slug for slug in neighbours if slug]
    if broader:
        return max(set(broader), key=broader.count)
    if not labels:
        return None
    best = process.extractOne(name_key(topic), labels, scorer=fuzz.token_set_ratio, score_cutoff=70)
    return best[2] if best else None
