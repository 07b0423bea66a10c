"""Bad input: a clear one-line error naming the file, or a reported skip with the good
records still read."""

from __future__ import annotations

import json

import pytest

from kg.errors import InputError
from kg.model import ReadReport
from kg.read import read_papers


@pytest.fixture(scope="module")
def abstracts(sample_dir):
    text = (sample_dir / "001_4eb3750c9023835b.txt").read_text(encoding="utf-8")
    return [l for l in text.split("\n") if len(l) > 300][:4]


def _read(paths, **kw):
    report = ReadReport()
    return list(read_papers(paths, report=report, **kw)), report


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as e:
        _read([tmp_path / "nope.jsonl"])
    assert str(e.value) == f"{tmp_path / 'nope.jsonl'}: no such file or folder"


def test_empty_file(tmp_path):
    f = tmp_path / "empty.jsonl"
    f.write_text("")
    with pytest.raises(InputError, match="empty file"):
        _read([f])


def test_malformed_json_line_is_skipped_and_reported(tmp_path, abstracts):
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join([
        json.dumps({"title": "One", "abstract": abstracts[0]}),
        '{"title": "Two", "abstract": "unterminated',
        json.dumps({"title": "Three"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "Five", "abstract": abstracts[1]}),
    ]) + "\n", encoding="utf-8")
    papers, report = _read([f])
    assert [p.title for p in papers] == ["One", "Five"]
    assert [(p.source.line, p.message.split(" (")[0].split(";")[0]) for p in report.problems] == [
        (2, "malformed JSON"), (3, "record has no abstract"), (4, "expected an object with title and abstract, got list")]
    assert str(report.problems[0]).startswith(f"{f}:2: malformed JSON")
    assert report.entries == 2


def test_csv_without_abstract_column(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("title,authors\nA paper,Someone\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        _read([f])
    assert str(e.value).startswith(f"{f}:1: CSV has no abstract column")


def test_csv_row_with_wrong_field_count(tmp_path, abstracts):
    f = tmp_path / "p.csv"
    f.write_text(f'title,abstract\nGood,"{abstracts[0]}"\nBad,"{abstracts[1]}",extra\nAlso good,"{abstracts[2]}"\n',
                 encoding="utf-8")
    papers, report = _read([f])
    assert [p.title for p in papers] == ["Good", "Also good"]
    assert report.problems[0].source.line == 3


def test_unknown_format(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just some notes\nnothing like papers\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown input format"):
        _read([f])


def test_latin1_and_utf16_inputs(tmp_path, abstracts):
    rec = {"title": "Café au lait: naïve résumé", "abstract": abstracts[0]}
    line = json.dumps(rec, ensure_ascii=False) + "\n"
    (tmp_path / "latin1.jsonl").write_bytes(line.encode("latin-1"))
    (tmp_path / "utf16.jsonl").write_bytes(line.encode("utf-16"))
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + line.encode("utf-8"))
    for name in ("latin1.jsonl", "utf16.jsonl", "bom.jsonl"):
        papers, report = _read([tmp_path / name])
        assert [p.title for p in papers] == [rec["title"]], name


def test_utf16_whose_first_character_is_nul_is_not_read_as_utf32(tmp_path, abstracts):
    # BOM FF FE + a NUL character are the four bytes of the UTF-32-LE BOM (found by the reader
    # fuzz test): the units after them decide
    line = "\x00garbage\n" + json.dumps({"title": "A title", "abstract": abstracts[0]}) + "\n"
    f = tmp_path / "nul.jsonl"
    f.write_bytes(line.encode("utf-16"))
    assert f.read_bytes().startswith(b"\xff\xfe\x00\x00")
    papers, report = _read([f])
    assert [p.title for p in papers] == ["A title"]
    g = tmp_path / "utf32.jsonl"
    g.write_bytes(line[1:].encode("utf-32"))  # a real UTF-32-LE file still reads as one
    papers, report = _read([g])
    assert [p.title for p in papers] == ["A title"]


def test_utf32_with_a_lone_surrogate_reads_as_utf32(tmp_path, abstracts):
    # found by the reader fuzz test: the surrogate made the UTF-32 check fail, the file was read
    # as UTF-16, half its characters NUL, and refused as binary
    line = json.dumps({"title": "A \ud800 title", "abstract": abstracts[0]}, ensure_ascii=False) + "\n"
    f = tmp_path / "utf32.jsonl"
    f.write_bytes(b"\xff\xfe\x00\x00" + line.encode("utf-32-le", "surrogatepass"))
    papers, report = _read([f])
    assert [p.title for p in papers] == ["A \ufffd title"]


def test_binary_file_is_refused(tmp_path):
    f = tmp_path / "blob.jsonl"
    f.write_bytes(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(InputError):
        _read([f])
