"""Word forms of topic labels: 'transnational crimes', 'peacebuilders', 'trafficking of drugs' are the labels they name.

A cooperation area is a common noun phrase, and press releases inflect it: plurals
("returning migrants", "creative industries"), an -ing activity and its -er agent
("peacebuilding", "peacebuilders"), a compound and its of-phrase ("drug trafficking",
"trafficking of drugs"). Labels and text are compared on light stems of the folded words
(fold() has already made hyphens spaces and dropped accents). Names of people and bodies are
never stemmed: a name is spelled one way.

Two strengths, so a one-word label does not swallow its verb ("finance" is no "financing"):
- plural(): only the plural is undone — for one-word labels;
- stem(): plural, then -ing, -er, -ee and a final -e — for labels of two or more words;
- agent(): for a one-word label that is itself an -ing activity, its -er agents
  ("peacebuilders" for "peacebuilding") but not its bare stem ("funds" is no "funding"); for an
  -ship label, its people ("entrepreneurs" for "entrepreneurship").
"""

from __future__ import annotations

# Irregular plurals of the words topics are made of.
_IRREGULAR = {"children": "child", "women": "woman", "men": "man", "people": "person", "persons": "person"}
_NOT_PLURAL = ("ss", "us", "is", "ics", "ws")  # business, status, crisis, economics, news
_FUNCTION = {"of", "in", "for", "on", "and", "the", "to", "with", "against", "a", "an"}
_OF = {"of", "in", "for", "against"}


def plural(word: str) -> str:
    """The singular of a folded word ('crimes' → 'crime', 'industries' → 'industry', 'children' → 'child')."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_NOT_PLURAL):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """The plural undone, then -ing, -er, -ee and a final -e ('peacebuilders', 'peacebuilding' → 'peacebuild')."""
    word = plural(word)
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in ("ing", "ee", "er", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word


def agent(word: str) -> str:
    """'peacebuilders' → 'peacebuild~' (the -ing label 'peacebuilding'), 'entrepreneurs' → 'entrepreneur'
    (the -ship label 'entrepreneurship'); 'funds' stays 'fund', which no -ing label is."""
    word = plural(word)
    for suffix in ("ing", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and word.isalpha():
            return word[: -len(suffix)] + "~"
    return word


def label_forms(words: list[str]) -> tuple[str, set[str]]:
    """How a topic label (folded words) is looked for: ('plural', 'agent' or 'stem', the keys in that space).

    Besides the label itself: 'drug trafficking' is also 'trafficking of/in drugs', and
    'trafficking in persons' is also 'persons trafficking' (an English compound and its of-phrase).
    """
    if len(words) == 1:
        word = words[0]
        if word.endswith("ing"):
            return "agent", {agent(word)}
        if word.endswith("ship") and len(word) > 8:  # "entrepreneurship": its people, "entrepreneurs"
            return "agent", {word[:-4]}
        return "plural", {plural(word)}
    stems = [stem(word) for word in words]
    keys = {" ".join(stems)}
    if len(stems) == 2 and not _FUNCTION & set(words):
        keys |= {f"{stems[1]} {linker} {stems[0]}" for linker in ("of", "in")}
    if len(stems) == 3 and words[1] in _OF:
        keys.add(f"{stems[2]} {stems[0]}")
    return "stem", keys
