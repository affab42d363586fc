"""Release text → proposed records, for an editor to confirm or correct.

Pure functions over the text, the names already known and the area vocabulary: nothing here writes.
"""

from .engine import find_name_duplicates, paragraphs, propose, read_dateline
from .known import KnownNames
from .proposal import (
    Candidate,
    Known,
    Mention,
    Proposal,
    ProposedAgreement,
    ProposedArea,
    ProposedDate,
    ProposedOfficial,
    ProposedOrganisation,
    ProposedOutcome,
    ProposedPlace,
    ProposedSummary,
)

__all__ = [
    "Candidate",
    "Known",
    "KnownNames",
    "Mention",
    "Proposal",
    "ProposedAgreement",
    "ProposedArea",
    "ProposedDate",
    "ProposedOfficial",
    "ProposedOrganisation",
    "ProposedOutcome",
    "ProposedPlace",
    "ProposedSummary",
    "find_name_duplicates",
    "paragraphs",
    "propose",
    "read_dateline",
]
