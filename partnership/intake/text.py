"""Paragraphs, tokens and sentences: spaCy's blank English pipeline with the region's abbreviations.

The tokenizer and the rule-based sentencizer are linear in the text and need no trained model.
Abbreviations that end in a full stop ("H.E.", "Mr.", "Dr.", "Amb.") are single tokens, so a
sentence never ends inside a name or a title.
"""

from __future__ import annotations

import functools

import spacy
from spacy.symbols import ORTH
from spacy.tokens import Doc

# Spelled with a full stop in releases of the region; spaCy's English exceptions cover Mr., Dr., Prof. and more.
ABBREVIATIONS = ["H.E.", "Amb.", "Ir.", "Hon.", "Gen.", "Lt.", "Col.", "Capt.", "Sen.", "Rep.", "No.", "Nos.", "Sr."]


@functools.cache
def nlp() -> spacy.language.Language:
    """One pipeline per process (building it costs about a second)."""
    pipeline = spacy.blank("en")
    for abbreviation in ABBREVIATIONS:
        pipeline.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    pipeline.add_pipe("sentencizer")
    return pipeline


def paragraphs(text: str) -> list[str]:
    """Paragraphs as PressRelease.paragraphs() numbers them (blank-line separated)."""
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def parse(text: str) -> Doc:
    return nlp()(text)


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences of a parsed paragraph."""
    return [(sentence.start_char, sentence.end_char) for sentence in doc.sents]
