from .common import FormatWriter, claim_json, json_bytes
from .documents import document_json, release_documents

README = """\
`claims.jsonl`: one claim per line, UTF-8, the lossless native format.
`documents.jsonl`: one line per document that a claim or an evidence link of
the release quotes, with its text, so that every offset can be checked offline.

Each claim line: `id` (UUID), `statement`, `kind`, `attributed_to`, `topics`,
`credibility` (Admiralty 1–6), `source` (`id`, `name`, `reliability` A–F, or
null), `source_reliability` (F when there is no source), `grade` (e.g. `B2`),
`status`, `review` (`reviewer`, `note`, `reviewed_at`), `author`, `version`,
`created_at`, `updated_at`, `passage` and `evidence`.

A passage: `document` (`id`, `title`, `url`, `doi`, `sha256` of the text),
`start`, `end` (Unicode code points of the normalised text, end excluded),
`exact` (equals text[start:end]), `prefix`, `suffix` (context).
Evidence: `id`, `stance` (supports / refutes / qualifies), `note`, `author`,
`passage`.
A claim that was discussed also has `comments`, oldest first: `id`, `parent`
(the `id` of the comment it replies to, or null), `author`, `body` (mentions are
the `@username`s in it; empty once retracted), `created_at`, `edited_at`,
`retracted_at`.

Each document line: `id` (the `passage.document.id` above), `title`, `url`,
`doi`, `language`, `authors`, `published_on`, `metadata`, `source` (`name`,
`kind`, `url`, `reliability`, or null), `sha256` (of the UTF-8 text), `length`
(in code points) and `text` (the normalised text the offsets count in).
`python manage.py import_annotations --kind claimdesk` reads this zip back.
"""


class JsonlWriter(FormatWriter):
    def __init__(self, package, release):
        super().__init__(package, release)
        self.entry = package.open_data("claims.jsonl")
        self.document_ids: set[int] = set()

    def write(self, row):
        self.entry.write(json_bytes(claim_json(row), line=True))
        self.document_ids.add(row.passage.document_id)
        self.document_ids.update(link.passage.document_id for link in row.evidence)

    def finish(self):
        self.entry.close()
        documents = self.package.open_data("documents.jsonl")
        for document in release_documents(self.document_ids):
            documents.write(json_bytes(document_json(document), line=True))
        documents.close()
