"""FEVER: claims with labels and sentence-level evidence, and the pages they cite.

FEVER cites evidence as (page, line) against a wiki dump split into numbered
sentences. A release ships its own "wiki": pages.jsonl, one page per document,
split into lines by the rule in sentences.py; the evidence items point into it.
"""

import json
import tempfile

from .common import FormatWriter, json_bytes
from .documents import release_documents
from .sentences import Lines

README = """\
FEVER (https://fever.ai/dataset/fever.html), in the shape of the shared task's
files, so that its scorer and readers take them as they are:

`pages.jsonl`: FEVER's wiki-pages shape, one line per document that an
evidence link of the release cites:

- `id`: the page id, `document-<document id>`;
- `text`: the page's lines joined by single spaces;
- `lines`: the numbered lines, one per `\\n`, each `<number>\\t<line text>`
  (numbers from 0; a tab inside a line is written as a space);
- extra fields: `title`, `sha256` of the document's text, and `spans`, the
  [start, end] of each line in the document's text (Unicode code points).

How a document becomes lines: a line ends at a newline, after `.`, `!`, `?` or
`…` (with any closing quotes or brackets) followed by white space, and after
`。`, `！` or `？`. White space around a line is not part of it and empty lines
are dropped.

`fever.jsonl`: one claim per line:

- `id`: the claim's database id; `claim_id`: its UUID; `claim`: the statement;
- `label`: derived from the claim's evidence links, by this rule:
  - `SUPPORTS` when at least one link supports and none refutes;
  - `REFUTES` when at least one link refutes and none supports;
  - `NOT ENOUGH INFO` otherwise: no evidence, only `qualifies` links, or
    links that both support and refute (conflicting evidence);
- `evidence`: a list of evidence sets, one per link whose stance gave the
  label; a set holds one item `[annotation_id, evidence_id, page_id,
  line_number]` per line of `pages.jsonl` that the linked passage overlaps (a
  passage over three lines gives a set of three items, all needed).
  `annotation_id` is the evidence link's id, `evidence_id` the passage's id.
  For NOT ENOUGH INFO, `[[[null, null, null, null]]]` as in FEVER;
- extra fields: `grade` (Admiralty, e.g. `B2`), `topics`.
"""

SUPPORTS, REFUTES, NEI = "SUPPORTS", "REFUTES", "NOT ENOUGH INFO"


def label_for(stances: set[str]) -> str:
    """The FEVER label of a claim given the stances of its evidence links."""
    supports, refutes = "supports" in stances, "refutes" in stances
    if supports and not refutes:
        return SUPPORTS
    if refutes and not supports:
        return REFUTES
    return NEI


def page_id(document_id: int) -> str:
    return f"document-{document_id}"


def page_json(document, lines: Lines) -> dict:
    texts = [document.text[start:end].replace("\t", " ") for start, end in lines.spans]
    return {
        "id": page_id(document.pk),
        "text": " ".join(texts),
        "lines": "\n".join(f"{number}\t{text}" for number, text in enumerate(texts)),
        "title": document.title,
        "sha256": document.sha256,
        "spans": [[start, end] for start, end in lines.spans],
    }


class FeverWriter(FormatWriter):
    """Lines need the documents' texts, read once after the rows: the claims wait
    in a temporary file, their evidence as spans, until the pages are written."""

    def __init__(self, package, release):
        super().__init__(package, release)
        self.pending = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in finish()
        self.document_ids: set[int] = set()

    def write(self, row):
        label = label_for({link.stance for link in row.evidence})
        cited = []
        if label != NEI:
            stance = "supports" if label == SUPPORTS else "refutes"
            for link in row.evidence:
                if link.stance == stance:
                    p = link.passage
                    cited.append([link.id, p.id, p.document_id, p.start, p.end])
                    self.document_ids.add(p.document_id)
        record = {
            "id": row.id, "claim_id": row.uuid, "claim": row.statement, "label": label,
            "evidence": cited, "grade": row.grade, "topics": row.topics,
        }  # fmt: skip
        self.pending.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self):
        lines: dict[int, Lines] = {}
        pages = self.package.open_data("pages.jsonl")
        for document in release_documents(self.document_ids):
            lines[document.pk] = Lines(document.text)
            pages.write(json_bytes(page_json(document, lines[document.pk]), line=True))
        pages.close()
        entry = self.package.open_data("fever.jsonl")
        self.pending.seek(0)
        for text in self.pending:
            record = json.loads(text)
            if record["label"] == NEI:
                record["evidence"] = [[[None, None, None, None]]]
            else:
                record["evidence"] = [
                    [
                        [link_id, passage_id, page_id(document_id), number]
                        for number in lines[document_id].covering(start, end)
                    ]
                    for link_id, passage_id, document_id, start, end in record["evidence"]
                ]
            entry.write(json_bytes(record, line=True))
        entry.close()
        self.pending.close()
