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
from .forms import plural

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
    r"|(?:areas?|fields?|issues|topics)\s(?:of\scooperation\s)?(?:such\sas|including|like)\s"
    # What a meeting is about: "a workshop on ...", "work together on ...".
    r"|(?:workshop|dialogue|conference|seminar|webinar|consultations?|training|symposium|forum|work\stogether)"
    r"\s(?:on|in)\s(?:an?\s|the\s)?"
    # A list inside a list, and what experience is shared in: "..., including X and Y", "best practices in X".
    r"|,\sincluding\s|(?:practices|experiences?|lessons|expertise)\s(?:in|on|of)\s)",
    re.IGNORECASE,
)
_LIST_END = re.compile(
    r"[.;:()]|,\s(?:including|which|while|as\swell\sas)|\s(?:at|between|with|under|during|through|by)\s"
)
_ITEM_SPLIT = re.compile(r",\s(?:and\s|or\s)?|\s(?:and|or|as\swell\sas)\s")
_STOP_ITEMS = {"others", "other areas", "etc", "more", "interest", "interests", "concern", "importance", "priority"}
# Who or where, not what: a list of topics may end in them ("the trafficking of drugs and people").
_GENERIC = {
    "people", "persons", "countries", "states", "communities", "partners", "stakeholders", "region", "regions",
    "world", "governments", "members", "sides", "parties", "sectors", "others", "all", "development", "developments",
    "cooperation", "collaboration", "partnership", "partnerships", "relations", "ties", "linkages", "engagement",
    "synergy", "synergies", "coordination",
}  # fmt: skip
# What is done to a topic, named as a noun: "the promotion of synergy" is about synergy.
_ACTION_OF = re.compile(r"^(?:promotion|implementation|strengthening|enhancement|advancement|improvement)\sof\s")
# Adjectives that stand alone in a list of modifiers ("a safe, clean and healthy environment").
_ADJECTIVES = {
    "safe", "clean", "healthy", "green", "secure", "free", "open", "fair", "just", "stable", "resilient",
    "inclusive", "peaceful", "prosperous", "sustainable", "equitable", "affordable", "accessible", "orderly",
    "regular", "strong", "sound", "effective", "efficient", "transparent", "accountable", "young", "old", "new",
    "rural", "urban", "digital", "human", "public", "private", "safer", "cleaner", "greener", "smart", "timely",
}  # fmt: skip
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "able", "ible", "less", "ary")
# A region's issue named in a list: "the Korean Peninsula", "the situation in the Middle East".
_REGIONAL_ISSUE = re.compile(
    r"^(?:(?:the\s)?(?:\w+\s)?(?:situation|developments|crisis|conflict)\s(?:in|on)\s)?(?:the\s)?"
    r"(?P<name>(?:[A-Z][a-z]+\s){1,2}(?:Peninsula|East|Sea|Strait|Straits|Gulf|Basin|Subregion))$"
)
_LEADING = {
    "the", "a", "an", "its", "their", "various", "other", "mutual", "common", "further", "enhanced", "key",
    "future", "closer", "stronger", "new", "existing", "ongoing", "possible", "potential", "specific",
}  # fmt: skip
# What is done about a topic, not the topic: "countering hate speech", "promoting decent work".
_ACTIONS = {
    "countering", "combating", "combatting", "preventing", "addressing", "tackling", "promoting", "strengthening",
    "enhancing", "improving", "ending", "reducing", "fighting", "protecting", "supporting", "advancing", "building",
}  # fmt: skip
_LIST_WORDS = {"areas", "area", "fields", "field", "issues", "matters", "sectors", "topics", "priorities"}
_NOT_IN_TOPICS = {"to", "on", "for", "with", "by", "at", "how", "that", "whether", "what", "which", "this", "these"}
# A reporting clause closes a list ("... hate speech and cybersecurity, he said"): no topic has these words.
_NOT_IN_TOPICS |= {"he", "she", "they", "we", "it", "said", "says", "added", "noted", "stressed"}
_CUT = re.compile(r"\s(?:to|for|in)\s")
MAX_LIST = 240  # characters of a list read after its opener


def is_ambiguous_here(text: str, start: int, label_key: str) -> bool:
    """'the business environment', 'economic growth': everyday uses of a one-word label."""
    label_key = " ".join(plural(word) for word in label_key.split())
    if label_key == "investment" and text[start:].lower().startswith("investment in "):
        return True  # "investment in nutrition": spending, not the area of investment
    if label_key not in AMBIGUOUS:
        return False
    if label_key == "economic":
        return True
    before = text[max(0, start - 20) : start].split()
    return bool(before) and before[-1].lower() in _AMBIGUOUS_BEFORE


_CONJUNCTION = re.compile(r"\s(?:and|or)\s")
_WORD_BEFORE = re.compile(r"(?<![\w-])[a-z][\w-]*$")
_WORDS_AFTER = re.compile(r"[a-z][\w-]*(?:\s[a-z][\w-]*){0,2}")
_LINKS = {"of", "in", "on", "against", "for"}
_NOT_HEADS = {"and", "or", "of", "in", "on", "for", "the", "a", "an", "to", "with", "by", "at", "against"}


def shared_heads(text: str) -> list[tuple[int, int, str, tuple[int, int] | None]]:
    """(start, end, phrase, other) for a word whose head is written once for two: 'maritime and border
    security' is also 'maritime security' (at 'maritime'; other: the span of 'border security'),
    'trafficking of drugs and people' also 'trafficking of people' (at 'people')."""
    found = []
    for conjunction in _CONJUNCTION.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, conjunction.start() - 40), conjunction.start())
        after = _WORDS_AFTER.match(text, conjunction.end())
        if not before or not after:
            continue
        following = after.group().split()
        # "media and information literacy" → "media literacy": the head is the second or third word after.
        for count, head in enumerate(following[1:3], start=2):
            if head in _NOT_HEADS:
                break
            other_end = conjunction.end() + len(" ".join(following[:count]))
            found.append((before.start(), before.end(), f"{before.group()} {head}", (conjunction.end(), other_end)))
        # "trafficking of drugs and people" → "trafficking of people".
        words = text[max(0, before.start() - 40) : before.start()].split()
        if len(words) >= 2 and words[-1] in _LINKS and following[0] not in _NOT_HEADS:
            start = conjunction.end()
            found.append((start, start + len(following[0]), f"{words[-2]} {words[-1]} {following[0]}", None))
    return found


def is_adjective(word: str) -> bool:
    word = word.lower().rsplit("-", 1)[-1]  # "cross-sectoral": its last part
    return word in _ADJECTIVES or (word.isalpha() and len(word) > 4 and word.endswith(_ADJECTIVE_ENDINGS))


def _items(window: str) -> list[tuple[int, str]]:
    """(offset, text) of the items of a list; modifiers of one noun stay together.

    "safe, clean and healthy environment", "regional and international developments": single
    adjectives before a last item of several words all modify its noun, so they are one item.
    """
    items: list[tuple[int, str]] = []
    position = 0
    for piece in _ITEM_SPLIT.split(window):
        start = window.find(piece, position)
        position = start + len(piece)
        items.append((start, piece))
    joined: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for start, piece in items:
        words = piece.split()
        if len(words) == 1 and is_adjective(words[0]):
            run.append((start, piece))
            continue
        if run and len(words) >= 2:
            first = run[0][0]
            joined.append((first, window[first : start + len(piece)]))
        else:
            joined.extend(run)
            joined.append((start, piece))
        run = []
    return joined + run


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
        for start, piece in _items(window):
            if "," in piece or " and " in piece:
                continue  # modifiers of one noun: the noun is found by the gazetteer, or not at all
            regional = _REGIONAL_ISSUE.match(piece.strip())
            if regional and not known.overlaps(opener.end() + start, opener.end() + start + len(piece)):
                offset = opener.end() + window.find(regional.group("name"), start)
                found.append((offset, offset + len(regional.group("name")), regional.group("name")))
                continue
            words = piece.strip().split()
            while words and (words[0].lower() in _LEADING or (len(words) > 1 and words[0].lower() in _ACTIONS)):
                words = words[1:]
            topic = " ".join(words)
            action = _ACTION_OF.match(topic)
            if action and topic[action.end() :].lower() in _GENERIC:
                continue
            offset = opener.end() + window.find(topic, start) if topic else opener.end() + start
            if _is_topic(topic):
                found.append((offset, offset + len(topic), topic))
                continue
            # "a just transition to a low-carbon economy": a topic, then what it leads to (a known area).
            cut = _CUT.search(topic)
            head = topic[: cut.start()] if cut else ""
            if len(head.split()) >= 2 and _is_topic(head) and known.overlaps(offset + cut.end(), offset + len(topic)):
                found.append((offset, offset + len(head), head))
                continue
            if not known.overlaps(offset, offset + len(topic)):
                break
    return found


def _is_topic(topic: str) -> bool:
    words = topic.split()
    if not 1 <= len(words) <= 4 or topic.lower() in _STOP_ITEMS or topic.lower() in _GENERIC:
        return False
    if any(not w[:1].isalpha() for w in words) or _NOT_IN_TOPICS & {w.lower() for w in words}:
        return False
    if words[-1].lower() in _GENERIC and all(is_adjective(w) or w.lower() in _LEADING for w in words[:-1]):
        return False  # "strong partnerships", "bilateral cooperation": how, not what, they cooperate on
    if len(words) == 1 and (is_adjective(words[0]) or words[0].endswith("ed")):
        return False  # "regional", "safe": a modifier; "organised": a verb, not a topic
    # Topics are common nouns; a capitalised word (other than an acronym) names something else.
    # A first word in -ing is a verb ("strengthening ties"); a list's own head word is no topic.
    if words[0].endswith("ing") or words[0].lower() in _LIST_WORDS:
        return False
    return all(w.islower() or w.isupper() or ("-" in w and w[:1].islower()) for w in words)


def suggested_parent(topic: str, neighbours: list[str | None], labels: dict[str, str]) -> str | None:
    """The broader concept for a new topic: its listed neighbours' shared broader one, else the most alike concept."""
    broader = [slug for slug in neighbours if slug]
    if broader:
        return max(set(broader), key=broader.count)
    if not labels:
        return None
    best = process.extractOne(name_key(topic), labels, scorer=fuzz.token_set_ratio, score_cutoff=70)
    return best[2] if best else None
