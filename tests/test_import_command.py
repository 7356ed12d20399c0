"""import_documents: success, skip and failure paths, exit codes, normalisation, metadata."""

import pytest
from django.core.management import CommandError, call_command

from curation.models import Document, HistoryEntry, Source


def run(*args, capsys):
    """Run the command; return (exit status, stdout, stderr)."""
    try:
        call_command("import_documents", *map(str, args))
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "brief.txt").write_bytes(
        "\ufeffTitle: A short brief\r\nDOI: 10.5555/brief.1\r\nPublished: 03-02-2024\r\n\r\n"
        "Moscow and Beijing agreed on a plan.\rIt will take time. 🚀\r\n".encode()
    )
    (tmp_path / "notes.md").write_text(
        "---\ntitle: Field notes\nauthors: [Ada Lane, Bo Chen]\n---\n\n# Ignored heading\n\n"
        "北京表示合作将继续。 Combining: e\u0301\n",
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text(
        "<html lang='ru'><head><title>Страница</title>"
        "<meta name='citation_doi' content='10.5555/page.2'><style>p{}</style></head>"
        "<body><script>alert('x')</script><p>Первый абзац.</p><p>Second &amp; last.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    return tmp_path


def test_import_normalises_text_and_extracts_metadata(project, files, capsys):
    status, out, err = run(files, "--project", project.slug, "--source", "Wire", capsys=capsys)

    assert status == 0, err
    assert "Imported 3, skipped 0, failed 0" in out
    brief = Document.objects.get(title="A short brief")
    assert brief.text.startswith("Title: A short brief\nDOI")
    assert "\r" not in brief.text and "\ufeff" not in brief.text
    assert brief.doi == "10.5555/brief.1"
    assert str(brief.published_on) == "2024-02-03"
    assert brief.length == len(brief.text)
    assert brief.source == Source.objects.get(project=project, name="Wire")
    notes = Document.objects.get(title="Field notes")
    assert notes.authors == ["Ada Lane", "Bo Chen"]
    assert "é" in notes.text  # NFC: e + combining acute composed
    page = Document.objects.get(doi="10.5555/page.2")
    assert page.title == "Страница" and page.language == "ru"
    assert "alert" not in page.text and "p{}" not in page.text
    assert "Первый абзац." in page.text and "Second & last." in page.text
    assert HistoryEntry.objects.filter(document__isnull=False, action="created").count() == 3


def test_same_text_again_is_skipped_with_a_message(project, files, capsys):
    run(files, "--project", project.slug, capsys=capsys)
    status, out, _ = run(files / "brief.txt", "--project", project.slug, capsys=capsys)

    assert status == 0
    assert "skipped" in out and "same text as document" in out
    assert "Imported 0, skipped 1, failed 0" in out
    assert Document.objects.count() == 3


def test_bad_files_are_reported_by_name_and_do_not_stop_the_rest(project, files, capsys):
    (files / "empty.txt").write_bytes(b"")
    (files / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (files / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (files / "blank.md").write_bytes(b" \n\t\r\n")

    status, out, err = run(files, "--project", project.slug, capsys=capsys)

    assert status == 1
    assert "Imported 3, skipped 0, failed 4" in out
    assert "empty.txt: empty file" in err
    assert "binary.txt: binary content" in err
    assert "latin1.txt: not valid UTF-8: byte 0xe9 at offset 3" in err
    assert "blank.md" in err
    assert Document.objects.count() == 3


def test_unknown_project_is_a_command_error(db, files):
    with pytest.raises(CommandError, match="No project with slug 'nope'"):
        call_command("import_documents", str(files), "--project", "nope")


def test_missing_path_is_a_command_error(project, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_documents", str(tmp_path / "absent.txt"), "--project", project.slug)


def test_import_as_a_non_owner_is_refused_and_writes_nothing(project, annotator, files):
    with pytest.raises(CommandError, match="owner"):
        call_command(
            "import_documents", str(files), "--project", project.slug, "--user", annotator.username
        )
    assert Document.objects.count() == 0


def test_import_as_owner_records_the_owner_in_history(project, owner, files, capsys):
    status, _, _ = run(
        files / "notes.md", "--project", project.slug, "--user", owner.username, capsys=capsys
    )
    assert status == 0
    entry = HistoryEntry.objects.get(document__isnull=False)
    assert entry.actor == owner


def test_small_batches_commit_each_batch_and_report_every_file(project, tmp_path, capsys):
    for n in range(7):
        (tmp_path / f"doc{n}.txt").write_text(f"Document number {n}.", encoding="utf-8")
    (tmp_path / "doc3-again.txt").write_text("Document number 3.", encoding="utf-8")

    status, out, _ = run(tmp_path, "--project", project.slug, "--batch-size", "3", capsys=capsys)

    assert status == 0
    assert "Imported 7, skipped 1, failed 0" in out
    assert Document.objects.filter(project=project).count() == 7


def test_same_text_in_another_project_is_imported(project, other_project, files, capsys):
    run(files / "brief.txt", "--project", project.slug, capsys=capsys)
    status, out, _ = run(files / "brief.txt", "--project", other_project.slug, capsys=capsys)
    assert status == 0 and "Imported 1" in out


def test_many_files_are_read_by_worker_processes_in_order(project, tmp_path, capsys):
    # 210 files: over the threshold at which reading moves to worker processes.
    for n in range(210):
        (tmp_path / f"doc{n:03d}.txt").write_text(f"Document {n} ✓\r\n", encoding="utf-8")
    (tmp_path / "zz-bad.txt").write_bytes(b"\xff\xfe")

    status, out, err = run(tmp_path, "--project", project.slug, "--jobs", "2", capsys=capsys)

    assert status == 1
    assert "Imported 210, skipped 0, failed 1" in out
    assert "zz-bad.txt: not valid UTF-8" in err
    texts = list(Document.objects.order_by("pk").values_list("text", flat=True))
    assert texts == [f"Document {n} ✓\n" for n in range(210)]
