from .common import FormatWriter, claim_json, json_bytes

README = """\
`claims.jsonl`: one claim per line, UTF-8, the lossless native format.

Each line: `id` (UUID), `statement`, `kind`, `attributed_to`, `topics`,
`credibility` (Admiralty 1–6), `source` (`id`, `name`, `reliability` A–F, or
null), `source_reliability` (F when there is no source), `grade` (e.g. `B2`),
`status`, `review` (`reviewer`, `note`, `reviewed_at`), `author`, `version`,
`created_at`, `updated_at`, `passage` and `evidence`.

A passage: `document` (`id`, `title`, `url`, `doi`, `sha256` of the text),
`start`, `end` (Unicode code points of the normalised text, end excluded),
`exact` (equals text[start:end]), `prefix`, `suffix` (context).
Evidence: `id`, `stance` (supports / refutes / qualifies), `note`, `author`,
`passage`.
"""


class JsonlWriter(FormatWriter):
    def __init__(self, package, release):
        super().__init__(package, release)
        self.entry = package.open_data("claims.jsonl")

    def write(self, row):
        self.entry.write(json_bytes(claim_json(row), line=True))

    def finish(self):
        self.entry.close()
