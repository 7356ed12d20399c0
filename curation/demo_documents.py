"""Demo data for issue 17: a scraped brief as analysts get them, read by the import path.

Its metadata (title, authors, language) is recognised from the text, and its menus,
rating widget, poll and doubled block become regions the workspace dims and collapses.
"""

from .importing import document_input
from .services import document_import
from .text import decode_document

SCRAPED_BRIEF = """Read in Russian
Rate this article
(votes: 4, rating: 4.2)
Share this article
Irina Volkova

PhD in Economics, Senior Fellow at the Caspian Energy Forum

Daniel Ortiz

Independent analyst

Policy Brief #7 / 2024

The pipeline accord moved gas prices less than traders expected: spot prices rose by \
about 3 % in the week after the signing and were back at their old level a month later.

Payments in national currencies covered most of the first deliveries, which analysts \
read as a sign that both sides want the accord to survive future sanctions.

Policy Brief #7 / 2024

The pipeline accord moved gas prices less than traders expected: spot prices rose by \
about 3 % in the week after the signing and were back at their old level a month later.

Payments in national currencies covered most of the first deliveries, which analysts \
read as a sign that both sides want the accord to survive future sanctions.

(votes: 4, rating: 4.2)

Poll conducted

  1. Will the accord last until 2030?
    Yes
     14 (56%)
    No
     11 (44%)
"""


def add_scraped_documents(*, project, actor):
    """Import the scraped brief as the import command would (file name and all)."""
    data = SCRAPED_BRIEF.encode()
    item = document_input(decode_document(data), fmt="text", name="brief-7-2024.txt")
    return document_import(actor=actor, project=project, item=item)
