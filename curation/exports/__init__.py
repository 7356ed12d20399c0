"""Dataset exports: one module per format, all fed by `rows.claim_rows`."""

from ..choices import ExportFormat
from . import fever, fixture, jsonl, tabular, webannotation

WRITERS = {
    ExportFormat.JSONL: (jsonl.JsonlWriter, jsonl.README),
    ExportFormat.CSV: (tabular.CsvWriter, tabular.README),
    ExportFormat.WEBANNOTATION: (webannotation.WebAnnotationWriter, webannotation.README),
    ExportFormat.FEVER: (fever.FeverWriter, fever.README),
    ExportFormat.FIXTURE: (fixture.FixtureWriter, fixture.README),
}
