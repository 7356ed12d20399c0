"""CSV: claims.csv (one row per claim) and evidence.csv (one row per link)."""

import csv
import tempfile

from .common import FormatWriter, agreement_summary

README = """\
`claims.csv`: one row per claim; `evidence.csv`: one row per evidence link,
joined to claims by `claim_id`. UTF-8 with a byte order mark (so that Excel
reads it as UTF-8), a header row, comma-separated, RFC 4180 quoting. Offsets
(`start`, `end`) count Unicode code points of the normalised document text.
Topics are joined with "; ". `assessment_count` and `agreement` summarise
independent assessments: how many, and how their round was settled (agreed,
disputed, adjudicated; empty when none).

To keep spreadsheets from running formulas, a text cell that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return is written with a leading `'`,
except the quote columns `exact`, `prefix` and `suffix`: they are the
document's text exactly (`exact` equals text[start:end]), so that the offsets
stay checkable. Import those three columns as text (Excel: Data → From
Text/CSV, column data format Text; LibreOffice: "Format quoted field as
text"); opening the file by double-click would let a quote that starts with
`=` run as a formula.
"""

CLAIM_HEADER = [
    "claim_id", "statement", "kind", "attributed_to", "topics", "credibility",
    "source_name", "source_reliability", "grade", "status", "reviewer", "review_note",
    "reviewed_at", "author", "version", "created_at", "updated_at", "document_id",
    "document_title", "document_url", "document_doi", "start", "end", "exact", "prefix",
    "suffix", "evidence_count", "assessment_count", "agreement",
]  # fmt: skip
EVIDENCE_HEADER = [
    "evidence_id", "claim_id", "stance", "note", "author", "document_id", "document_title",
    "document_url", "start", "end", "exact", "prefix", "suffix",
]  # fmt: skip

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe(value):
    """Neutralise spreadsheet formula injection in text cells (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def verbatim(value):
    """A cell bearing offsets: the text as it is (see README)."""
    return "" if value is None else value


class CsvWriter(FormatWriter):
    def __init__(self, package, release):
        super().__init__(package, release)
        self.claims = package.open_data("claims.csv")
        self.claims.text.write(BOM)
        self.claim_rows = csv.writer(self.claims.text, lineterminator="\r\n")
        self.claim_rows.writerow(CLAIM_HEADER)
        # A zip writes one entry at a time: evidence waits in a temporary file.
        self.evidence_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed in finish()
        self.evidence_rows = csv.writer(self.evidence_file, lineterminator="\r\n")
        self.evidence_rows.writerow(EVIDENCE_HEADER)

    def write(self, row):
        p = row.passage
        self.claim_rows.writerow([*(safe(value) for value in (
            row.uuid, row.statement, row.kind, row.attributed_to, "; ".join(row.topics),
            row.credibility, row.source_name, row.source_reliability, row.grade, row.status,
            row.reviewer, row.review_note, row.reviewed_at, row.author, row.version,
            row.created_at, row.updated_at, p.document_id, p.document_title,
            p.document_url, p.document_doi, p.start, p.end,
        )), verbatim(p.exact), verbatim(p.prefix), verbatim(p.suffix),
            len(row.evidence), *(safe(value) for value in agreement_summary(row))])  # fmt: skip
        for link in row.evidence:
            e = link.passage
            self.evidence_rows.writerow([*(safe(value) for value in (
                link.uuid, row.uuid, link.stance, link.note, link.author, e.document_id,
                e.document_title, e.document_url, e.start, e.end,
            )), verbatim(e.exact), verbatim(e.prefix), verbatim(e.suffix)])  # fmt: skip

    def finish(self):
        self.claims.close()
        evidence = self.package.open_data("evidence.csv")
        evidence.text.write(BOM)
        self.evidence_file.seek(0)
        while block := self.evidence_file.read(1024 * 1024):
            evidence.text.write(block)
        evidence.close()
        self.evidence_file.close()
