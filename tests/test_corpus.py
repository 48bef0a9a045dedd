from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path, PurePosixPath
from unittest import mock

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tachtu.cli import app
from tachtu.corpus import (
    CorpusStats,
    InputError,
    ReadOptions,
    RunConflictError,
    UsageError,
    count_documents,
    read_documents,
    run,
    segment_documents,
)
from tachtu.corpus import engines as corpus_engines
from tachtu.corpus import readers as corpus_readers
from tachtu.corpus.decoding import decoder
from tachtu.corpus.engines import _in_order, _widen_pipes
from tachtu.corpus.manifest import STATE_FOLDER, Manifest
from tachtu.corpus.readers import (
    Chunk,
    InputFile,
    InputKind,
    parse_chunk,
    parse_texts,
    read_chunks,
    read_records,
)
from tachtu.document import Document, read_document
from tachtu.encodings import encode
from tachtu.formats import render
from tachtu.words import Segmenter

from .conftest import TESTS, TINY_LEXICON

NEWS = TESTS / "data" / "corpus" / "news"
FEED_DOCUMENTS = 12


def copy_news(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus: two text files in a subfolder and a JSON Lines feed."""
    target = tmp_path / "news"
    shutil.copytree(NEWS, target)
    return target


def output_tree(out: Path) -> dict[str, bytes]:
    """Every file a run leaves for its users, ``stats.json`` without its timing."""
    tree = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and not relative.startswith(STATE_FOLDER + "/"):
            data = path.read_bytes()
            if relative == "stats.json":
                stats = json.loads(data)
                stats.pop("seconds")
                data = json.dumps(stats).encode()
            tree[relative] = data
    return tree


def error_records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "errors.jsonl").read_text("utf-8").splitlines()]


def test_output_mirrors_inputs_and_matches_segment(tmp_path: Path, tiny_segmenter) -> None:
    summary = run([NEWS], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    tree = output_tree(tmp_path / "out")
    assert sorted(tree) == [
        "2017/gia-lua.txt",
        "2017/mua-lon.txt",
        "errors.jsonl",
        "feed.txt",
        "stats.json",
    ]
    text = (NEWS / "2017" / "mua-lon.txt").read_text("utf-8")
    expected = render(read_document(text, segmenter=tiny_segmenter), "text")
    assert tree["2017/mua-lon.txt"].decode() == expected
    assert tree["2017/mua-lon.txt"].startswith("Hà_Nội mưa lớn suốt đêm\n".encode())
    # In a file of many documents, each document ends with an empty line.
    assert tree["feed.txt"].decode().count("\n\n") == FEED_DOCUMENTS
    assert summary.ok and summary.files == 3 and tree["errors.jsonl"] == b""
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["documents"] == FEED_DOCUMENTS + 2 == summary.stats.documents
    assert set(stats) == {
        "documents",
        "paragraphs",
        "sentences",
        "words",
        "syllables",
        "errors",
        "seconds",
    }
    assert stats["syllables"] > stats["words"] > stats["sentences"] > stats["paragraphs"]
    assert (tmp_path / "out" / STATE_FOLDER / "complete").exists()


def test_file_named_directly_lands_at_top_of_output(tmp_path: Path, tiny_segmenter) -> None:
    run([NEWS / "2017" / "gia-lua.txt"], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert (tmp_path / "out" / "gia-lua.txt").read_text("utf-8").startswith("Giá lúa tăng nhẹ\n")


def test_jsonl_output_carries_other_fields(tmp_path: Path, tiny_segmenter) -> None:
    run(
        [NEWS / "feed.jsonl"],
        tmp_path / "out",
        output_format="jsonl",
        segmenter=tiny_segmenter,
        workers=0,
    )
    records = [
        json.loads(line)
        for line in (tmp_path / "out" / "feed.jsonl").read_text("utf-8").splitlines()
    ]
    assert [r["id"] for r in records] == [f"n{i:02d}" for i in range(1, 13)]
    assert records[0]["url"] == "https://example.vn/n01" and records[0]["tags"] == ["tin"]
    assert records[1]["paragraphs"][1]["sentences"][0]["words"][0]["form"] == "Hà_Nội"


def test_text_and_id_fields_are_configurable(tmp_path: Path, tiny_segmenter) -> None:
    source = tmp_path / "in" / "feed.jsonl"
    source.parent.mkdir()
    lines = NEWS.joinpath("feed.jsonl").read_text("utf-8").splitlines()
    with source.open("w", encoding="utf-8") as file:
        for line in lines:
            record = json.loads(line)
            record["body"] = record.pop("text")
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    options = {"text_field": "body", "id_field": "url", "segmenter": tiny_segmenter, "workers": 0}
    run([source], tmp_path / "out", output_format="jsonl", **options)
    first = json.loads((tmp_path / "out" / "feed.jsonl").read_text("utf-8").splitlines()[0])
    assert first["id"] == "https://example.vn/n01" and first["url"] == "https://example.vn/n01"
    assert "body" not in first and first["text"].startswith("Quốc hội")


def test_conllu_marks_each_document(tmp_path: Path, tiny_segmenter) -> None:
    run(
        [NEWS / "feed.jsonl"],
        tmp_path / "out",
        output_format="conllu",
        segmenter=tiny_segmenter,
        workers=0,
    )
    conllu = (tmp_path / "out" / "feed.conllu").read_text("utf-8")
    assert conllu.startswith("# newdoc id = n01\n# newpar\n# sent_id = n01-1-1\n")
    assert conllu.count("# newdoc id = ") == FEED_DOCUMENTS


def _compressed_copies(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    data = NEWS.joinpath("feed.jsonl").read_bytes()
    folder.mkdir()
    (folder / "feed-gz.jsonl.gz").write_bytes(gzip.compress(data))
    (folder / "feed-zst.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(data))
    records = [json.loads(line) for line in data.decode().splitlines()]
    pq.write_table(pa.Table.from_pylist(records), folder / "feed-parquet.parquet")


def test_compressed_and_parquet_inputs_read_like_plain(tmp_path: Path, tiny_segmenter) -> None:
    _compressed_copies(tmp_path / "in")
    run([NEWS / "feed.jsonl"], tmp_path / "plain", segmenter=tiny_segmenter, workers=0)
    run([tmp_path / "in"], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    plain = (tmp_path / "plain" / "feed.txt").read_bytes()
    out = tmp_path / "out"
    import zstandard

    assert gzip.decompress((out / "feed-gz.txt.gz").read_bytes()) == plain
    with zstandard.ZstdDecompressor().stream_reader(
        (out / "feed-zst.txt.zst").read_bytes(), read_across_frames=True
    ) as reader:
        assert reader.read() == plain
    assert (out / "feed-parquet.txt").read_bytes() == plain
    # Parquet columns other than the text are carried like JSON fields.
    run(
        [tmp_path / "in" / "feed-parquet.parquet"],
        tmp_path / "json",
        output_format="jsonl",
        segmenter=tiny_segmenter,
        workers=0,
    )
    first = json.loads(
        (tmp_path / "json" / "feed-parquet.jsonl").read_text("utf-8").splitlines()[0]
    )
    assert first["date"] == "2017-03-01" and first["tags"] == ["tin"]


def _feed_as_csv(delimiter: str = ",") -> bytes:
    """The fixture feed as CSV: its fields as columns, the tags as the JSON they are."""
    records = [
        json.loads(line)
        for line in NEWS.joinpath("feed.jsonl").read_text("utf-8").split("\n")
        if line
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["id", "text", "url", "date", "tags"])
    for record in records:
        row = [
            record["id"],
            record["text"],
            record["url"],
            record["date"],
            json.dumps(record["tags"]),
        ]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def test_csv_and_tsv_read_as_json_lines_are(tmp_path: Path, tiny_segmenter) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "comma.csv").write_bytes(codecs.BOM_UTF8 + _feed_as_csv())  # as Excel saves it
    (folder / "tab.tsv.gz").write_bytes(gzip.compress(_feed_as_csv("\t")))
    run([NEWS / "feed.jsonl"], tmp_path / "plain", segmenter=tiny_segmenter, workers=0)
    # several chunks of a file, and worker processes, give the same output as one
    summary = run([folder], tmp_path / "out", segmenter=tiny_segmenter, chunk_bytes=300)
    assert summary.ok and summary.stats.documents == 2 * FEED_DOCUMENTS
    plain = (tmp_path / "plain" / "feed.txt").read_bytes()
    assert (tmp_path / "out" / "comma.txt").read_bytes() == plain
    assert gzip.decompress((tmp_path / "out" / "tab.txt.gz").read_bytes()) == plain
    # The other columns are carried as JSON fields are, as strings.
    from_jsonl = _jsonl_records(NEWS / "feed.jsonl", tmp_path / "plain-json", tiny_segmenter)
    from_csv = _jsonl_records(folder / "comma.csv", tmp_path / "json", tiny_segmenter)
    assert len(from_csv) == FEED_DOCUMENTS
    for expected, record in zip(from_jsonl, from_csv, strict=True):
        assert record.pop("tags") == json.dumps(expected.pop("tags"))
        assert record == expected


def _jsonl_records(source: Path, out: Path, segmenter: Segmenter, **options) -> list[dict]:
    """The records a run writes for one input in the jsonl format."""
    run([source], out, output_format="jsonl", segmenter=segmenter, workers=0, **options)
    [written] = (path for path in out.glob("*.jsonl") if path.name != "errors.jsonl")
    return [json.loads(line) for line in written.read_text("utf-8").splitlines()]


_CSV_CELLS = st.text(alphabet=st.sampled_from(list("aăHà Nội,;\"'\t\n\r1 ")), max_size=10)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_CSV_CELLS, _CSV_CELLS), min_size=1, max_size=8),
    st.sampled_from([",", "\t"]),
    st.sampled_from(["\r\n", "\n"]),
    st.integers(1, 64),
)
def test_csv_rows_are_read_as_the_csv_module_writes_them(
    rows: list[tuple[str, str]], delimiter: str, line_end: str, chunk_bytes: int
) -> None:
    # Quotes, delimiters and line breaks in the cells, rows cut into chunks anywhere: each row
    # comes back as it was written, or as the error of an empty text.
    out = io.StringIO()
    # The csv module quotes a cell's lone "\r" only where "\r" ends its rows, and reads such a
    # cell back wrong itself: rows that end in "\n" have every cell quoted.
    quoting = csv.QUOTE_MINIMAL if line_end == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=quoting)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("feed.tsv" if delimiter == "\t" else "feed.csv")
        path.write_bytes(out.getvalue().encode("utf-8"))
        source = InputFile(path, PurePosixPath(path.name), InputKind.CSV)
        chunks = list(read_chunks(source, chunk_bytes=chunk_bytes))
        read = [item for chunk in chunks for item in read_records(chunk, ReadOptions())]
    assert len(read) == len(rows)
    for (document_id, text), item in zip(rows, read, strict=True):
        if not text or text.isspace():
            assert isinstance(item, InputError) and item.reason == "empty text"
        else:
            assert item == ({"id": document_id, "text": text}, text)


def test_the_rows_after_a_bad_csv_row_are_read(tmp_path: Path, tiny_segmenter) -> None:
    _, data, _ = BAD_INPUTS["CSV text after a closing quote"]
    (tmp_path / "feed.csv").write_bytes(data)
    summary = run([tmp_path / "feed.csv"], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert summary.stats.errors == 1
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8") == "Hà_Nội\n\nGió\n\n"


def test_a_csv_row_without_an_id_is_named_by_its_line(tmp_path: Path, tiny_segmenter) -> None:
    (tmp_path / "feed.csv").write_bytes('id,text\na,Hà Nội\n,"Mưa\nto"\n,Gió\n'.encode())
    records = _jsonl_records(tmp_path / "feed.csv", tmp_path / "out", tiny_segmenter)
    assert [record["id"] for record in records] == ["a", "feed:3", "feed:5"]


def test_a_legacy_encoded_csv_is_detected_and_decoded(tmp_path: Path, tiny_segmenter) -> None:
    text = (
        "id,text,nguồn\na,Bộ Ngoại giao Việt Nam họp báo chiều nay.,Hà Nội\n"
        "b,Thời tiết Hà Nội hôm nay đẹp.,Huế\n"
    )
    (tmp_path / "feed.csv").write_bytes(encode(text, "tcvn3"))
    summary = run(
        [tmp_path / "feed.csv"],
        tmp_path / "out",
        segmenter=tiny_segmenter,
        workers=0,
        decode=decoder("auto"),
    )
    assert summary.ok
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8").split("\n\n")[0] == (
        "Bộ_Ngoại_giao Việt_Nam họp báo chiều nay ."
    )
    # the header and every cell are decoded, not the text alone
    records = _jsonl_records(
        tmp_path / "feed.csv", tmp_path / "json", tiny_segmenter, decode=decoder("auto")
    )
    assert [record["nguồn"] for record in records] == ["Hà Nội", "Huế"]


@pytest.mark.parametrize(
    ("compression", "name"),
    [("none", "feed-gz.txt"), ("gzip", "feed-gz.txt.gz"), ("zstd", "feed-gz.txt.zst")],
)
def test_output_compression_option(
    tmp_path: Path, tiny_segmenter, compression: str, name: str
) -> None:
    _compressed_copies(tmp_path / "in")
    source = tmp_path / "in" / "feed-gz.jsonl.gz"
    run([source], tmp_path / "out", compression=compression, segmenter=tiny_segmenter, workers=0)
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith("feed")] == [name]


def test_many_chunks_give_the_same_output(tmp_path: Path, tiny_segmenter) -> None:
    run([NEWS], tmp_path / "whole", segmenter=tiny_segmenter, workers=0)
    run([NEWS], tmp_path / "chunked", segmenter=tiny_segmenter, workers=0, chunk_bytes=100)
    assert output_tree(tmp_path / "whole") == output_tree(tmp_path / "chunked")


@settings(deadline=None, max_examples=300)
@given(
    st.lists(st.sampled_from([b"", b"\n", b"\r\n", b"a", b"{}", b" \n", b"x" * 50]), max_size=30),
    st.lists(st.integers(0, 400), max_size=8),
)
def test_lines_cut_from_blocks_are_the_lines_of_the_file(pieces, cuts) -> None:
    # JSON Lines are cut out of the blocks the file is read in: a line may span several blocks,
    # a block may end on a newline or in the middle of one, the file may end without one.
    data = b"".join(pieces)
    bounds = sorted({0, len(data), *(cut for cut in cuts if cut < len(data))})
    blocks = [data[start:end] for start, end in itertools.pairwise(bounds)]
    assert list(corpus_readers._lines(blocks)) == list(io.BytesIO(data))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes_give_the_same_output(tmp_path: Path, monkeypatch, method: str) -> None:
    if method == "fork" and not sys.platform.startswith("linux"):
        pytest.skip("workers fork on Linux only")
    monkeypatch.setattr(corpus_engines, "_start_method", lambda: method)
    _compressed_copies(tmp_path / "in")
    options = {"segmenter": TINY_LEXICON, "chunk_bytes": 300, "output_format": "jsonl"}
    run([NEWS, tmp_path / "in"], tmp_path / "inline", workers=0, **options)
    run([NEWS, tmp_path / "in"], tmp_path / "pool", workers=2, **options)
    assert output_tree(tmp_path / "inline") == output_tree(tmp_path / "pool")


# Each bad input: how to make it, then what errors.jsonl must say about it.
GOOD_A = '{"id": "a", "text": "Hà Nội"}\n'.encode()
GOOD_C = '{"id": "c", "text": "Mưa"}\n'.encode()
BAD_INPUTS = {
    "malformed JSON line": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": \n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": None, "error": "malformed JSON"},
    ),
    "missing text field": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "body": "x"}\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": "b", "error": "no field 'text'"},
    ),
    "text field not a string": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": 42}\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": "b", "error": "is int, not a string"},
    ),
    "record not an object": (
        "feed.jsonl",
        GOOD_A + b'["b"]\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": None, "error": "not a JSON object"},
    ),
    "invalid UTF-8 in a JSON line": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": "Hu\xe1"}\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": None, "error": "invalid UTF-8"},
    ),
    "lone surrogate escaped in a JSON line": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": "Hu\\ud800 mua"}\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": None, "error": "lone surrogate \\ud800"},
    ),
    "lone surrogate escaped in a JSON key": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": "Mua", "meta": {"\\udc00": 1}}\n' + GOOD_C,
        {"file": "feed.jsonl", "line": 2, "id": None, "error": "lone surrogate \\udc00"},
    ),
    "invalid UTF-8 in a text file": (
        "bad.txt",
        "Hà Nội\nthủ đô ".encode() + b"\xff\xfe\n",
        {"file": "bad.txt", "line": 2, "id": "bad", "error": "invalid UTF-8"},
    ),
    "empty text file": (
        "empty.txt",
        b"",
        {"file": "empty.txt", "line": None, "id": "empty", "error": "empty file"},
    ),
    "blank text file": (
        "blank.txt",
        b" \n\n",
        {"file": "blank.txt", "line": None, "id": "blank", "error": "empty file"},
    ),
    "empty JSON Lines file": (
        "feed.jsonl",
        b"\n",
        {"file": "feed.jsonl", "line": None, "id": None, "error": "empty file"},
    ),
    "empty text in a record": (
        "feed.jsonl",
        GOOD_A + b'{"id": "b", "text": "  "}\n',
        {"file": "feed.jsonl", "line": 2, "id": "b", "error": "empty text"},
    ),
    "truncated gzip file": (
        "feed.jsonl.gz",
        # several deflate blocks, so that what comes before the cut can be read back
        gzip.compress(
            b"".join(b'{"id": "%d", "text": "H\xc3\xa0 N\xe1\xbb\x99i"}\n' % i for i in range(2000))
        )[:-30],
        {"file": "feed.jsonl.gz", "error": "cannot read"},
    ),
    "not gzip at all": (
        "feed.jsonl.gz",
        b"plain text",
        {"file": "feed.jsonl.gz", "error": "cannot read"},
    ),
    "not Parquet at all": (
        "feed.parquet",
        b"plain text",
        {"file": "feed.parquet", "error": "cannot read"},
    ),
    # a CSV row is numbered by the line it starts on: the quoted cell of "a" takes two
    "CSV row of too few fields": (
        "feed.csv",
        'id,text\na,"Hà\nNội"\nb\nc,Mưa\n'.encode(),
        {"file": "feed.csv", "line": 4, "id": None, "error": "1 field where the header names 2"},
    ),
    "CSV row of too many fields": (
        "feed.tsv",
        "id\ttext\na\tHà Nội\nb\tMưa\tto\n".encode(),
        {"file": "feed.tsv", "line": 3, "error": "3 fields where the header names 2"},
    ),
    "invalid UTF-8 in a CSV row": (
        "feed.csv",
        "id,text\na,Hà Nội\n".encode() + b"b,Hu\xe1\n" + "c,Mưa\n".encode(),
        {"file": "feed.csv", "line": 3, "id": None, "error": "invalid UTF-8"},
    ),
    "invalid UTF-8 in a CSV header": (
        "feed.csv",
        b"id,text,ngu\xe1n\na,x,y\n",
        {"file": "feed.csv", "line": 1, "id": None, "error": "invalid UTF-8"},
    ),
    "CSV without the text column": (
        "feed.csv",
        "id,body\na,Hà Nội\n".encode(),
        {"file": "feed.csv", "line": 1, "error": "no column 'text'; the columns are 'id', 'body'"},
    ),
    "CSV header naming a column twice": (
        "feed.csv",
        "id,text,text\na,Hà Nội,Mưa\n".encode(),
        {"file": "feed.csv", "line": 1, "error": "the header names 'text' twice"},
    ),
    "CSV of a header and no rows": (
        "feed.csv",
        b"id,text\n",
        {"file": "feed.csv", "line": 1, "error": "a header and no rows"},
    ),
    "empty CSV file": ("feed.csv", b"", {"file": "feed.csv", "error": "empty file"}),
    "UTF-16 CSV": (
        "feed.csv",
        "id,text\na,Hà Nội\n".encode("utf-16"),
        {"file": "feed.csv", "error": "UTF-16 CSV cannot be read a line at a time"},
    ),
    "CSV quote never closed": (
        "feed.csv",
        'id,text\na,Hà Nội\nb,"Mưa to\nc,Gió\n'.encode(),
        {"file": "feed.csv", "line": 3, "id": None, "error": "not CSV: unexpected end of data"},
    ),
    "CSV text after a closing quote": (
        "feed.csv",
        'id,text\na,Hà Nội\nb,"Mưa" to\nc,Gió\n'.encode(),
        {"file": "feed.csv", "line": 3, "id": None, "error": "not CSV"},
    ),
    "CSV rows that end in a lone carriage return": (
        "feed.csv",
        "id,text\ra,Hà Nội\r".encode(),
        {"file": "feed.csv", "line": 1, "error": "not CSV: a carriage return (\\r) outside quotes"},
    ),
    "empty text in a CSV row": (
        "feed.csv",
        'id,text\na,Hà Nội\nb,""\n'.encode(),
        {"file": "feed.csv", "line": 3, "id": "b", "error": "empty text"},
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_reported_and_the_run_goes_on(
    tmp_path: Path, tiny_segmenter, case: str
) -> None:
    name, data, expected = BAD_INPUTS[case]
    folder = copy_news(tmp_path)
    (folder / "feed.jsonl").unlink()
    (folder / name).write_bytes(data)
    summary = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    [error] = error_records(tmp_path / "out")
    assert error["file"] == str(folder / expected["file"])
    assert expected["error"] in error["error"]
    for key in ("line", "id"):
        if key in expected:
            assert error[key] == expected[key]
    assert not summary.ok and summary.stats.errors == 1
    assert json.loads((tmp_path / "out" / "stats.json").read_text())["errors"] == 1
    # The good input is all there.
    assert (tmp_path / "out" / "2017" / "mua-lon.txt").exists()
    assert (tmp_path / "out" / "2017" / "gia-lua.txt").exists()


def test_escaped_surrogate_pair_is_one_character(tmp_path: Path, tiny_segmenter) -> None:
    # A pair of escapes is one character outside the BMP, not a lone surrogate.
    (tmp_path / "feed.jsonl").write_bytes(b'{"id": "a", "text": "M\\u01b0a \\ud83d\\ude00"}\n')
    summary = run([tmp_path / "feed.jsonl"], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert summary.ok
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8") == "Mưa \U0001f600\n\n"


def test_good_records_around_a_bad_one_are_kept(tmp_path: Path, tiny_segmenter) -> None:
    name, data, _ = BAD_INPUTS["malformed JSON line"]
    (tmp_path / name).write_bytes(data)
    run([tmp_path / name], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8") == "Hà_Nội\n\nMưa\n\n"


class _TrippingModel:
    """The tiny lexicon, but a line holding ``BOOM`` makes the model fail (a bug's stand-in)."""

    def __init__(self, model) -> None:
        self.model = model

    def joins_batch(self, batch):
        if any("BOOM" in units for units in batch):
            raise RuntimeError("tripped")
        return self.model.joins_batch(batch)


@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_document_that_trips_the_segmenter_is_reported_and_the_rest_kept(
    tmp_path: Path, tiny_segmenter, output_format: str
) -> None:
    # The text format segments a chunk's documents in one call; when that call fails, the
    # documents are done again one at a time, so only the one that fails is lost and reported.
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "a", "text": "Hà Nội"},
        {"id": "b", "text": "BOOM"},
        {"id": "c", "text": "Mưa"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    segmenter = Segmenter(_TrippingModel(tiny_segmenter.model))
    out = tmp_path / "out"
    summary = run([feed], out, segmenter=segmenter, workers=0, output_format=output_format)
    [error] = error_records(out)
    assert error["id"] == "b" and "internal error (RuntimeError: tripped)" in error["error"]
    assert summary.stats.documents == 2 and summary.stats.errors == 1
    written = (out / f"feed.{'txt' if output_format == 'text' else 'jsonl'}").read_text("utf-8")
    assert "Hà_Nội" in written and "Mưa" in written and "BOOM" not in written


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, tiny_segmenter) -> None:
    name, data, _ = BAD_INPUTS["truncated gzip file"]
    (tmp_path / name).write_bytes(data)
    summary = run([tmp_path / name], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    # The file is read in large blocks, and a gzip reader drops the block it breaks in: all the
    # whole lines that the standard library's reader gets, a line at a time, must be there.
    whole_lines = 0
    with contextlib.suppress(EOFError), gzip.open(tmp_path / name) as lines:
        for _ in lines:
            whole_lines += 1
    assert 1000 < whole_lines < 2000
    assert summary.stats.documents == whole_lines and summary.stats.errors == 1
    kept = gzip.decompress((tmp_path / "out" / "feed.txt.gz").read_bytes()).decode()
    assert kept.count("Hà_Nội\n\n") == summary.stats.documents
    error = json.loads((tmp_path / "out" / "errors.jsonl").read_text())
    assert error["line"] == whole_lines + 1


def test_unreadable_file_is_reported(tmp_path: Path, tiny_segmenter, monkeypatch) -> None:
    folder = copy_news(tmp_path)
    locked = folder / "2017" / "gia-lua.txt"
    real_open = open

    def refusing_open(path, *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    # Tests often run as root, whom chmod does not stop: refuse the file at the open call.
    monkeypatch.setattr(corpus_readers, "open", refusing_open, raising=False)
    summary = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert error_records(tmp_path / "out") == [
        {"file": str(locked), "line": None, "id": None, "error": "cannot read: Permission denied"}
    ]
    assert summary.stats.documents == FEED_DOCUMENTS + 1
    assert not (tmp_path / "out" / "2017" / "gia-lua.txt").exists()


def test_missing_input_is_reported(tmp_path: Path, tiny_segmenter) -> None:
    summary = run(
        [tmp_path / "nowhere.jsonl", NEWS], tmp_path / "out", segmenter=tiny_segmenter, workers=0
    )
    assert error_records(tmp_path / "out")[0]["error"] == "no such file or folder"
    assert summary.stats.documents == FEED_DOCUMENTS + 2 and not summary.ok


def test_a_run_never_writes_over_its_input(tmp_path: Path, tiny_segmenter) -> None:
    folder = copy_news(tmp_path)
    with pytest.raises(UsageError, match="input folder"):
        run([folder], folder, segmenter=tiny_segmenter, workers=0)
    with pytest.raises(UsageError, match="over an input"):
        run([folder / "2017" / "gia-lua.txt"], folder / "2017", segmenter=tiny_segmenter, workers=0)
    assert sorted(p.name for p in (folder / "2017").iterdir()) == ["gia-lua.txt", "mua-lon.txt"]


@pytest.mark.parametrize(("option", "value"), [("workers", -1), ("chunk_bytes", 0)])
def test_bad_numbers_are_refused_before_anything_is_written(
    tmp_path: Path, tiny_segmenter, option: str, value: int
) -> None:
    with pytest.raises(UsageError, match=f"{option} {value}"):
        run([NEWS], tmp_path / "out", segmenter=tiny_segmenter, **{"workers": 0, option: value})
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"output_format": "conllu", "sep": "+"}, "sep '\\+' does not apply to conllu"),
        ({"output_format": "conllu", "sep": "_"}, "does not apply to conllu"),
        ({"sep": "\n"}, "may not hold a line break: text writes"),
        ({"output_format": "conll", "sep": " "}, "may not hold whitespace"),
        ({"output_format": "conll-x"}, "unknown output format 'conll-x': text, sentences"),
    ],
)
def test_formats_and_separators_are_checked_before_a_run(
    tmp_path: Path, tiny_segmenter, options: dict, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        run([NEWS], tmp_path / "out", segmenter=tiny_segmenter, workers=0, **options)
    assert not (tmp_path / "out").exists()


def test_conllu_runs_with_no_separator_given(tmp_path: Path, tiny_segmenter) -> None:
    summary = run(
        [NEWS], tmp_path / "out", output_format="conllu", segmenter=tiny_segmenter, workers=0
    )
    assert summary.stats.documents > 0 and summary.ok


def test_tone_styles_are_checked_before_a_run(tmp_path: Path, tiny_segmenter) -> None:
    with pytest.raises(UsageError, match="tone_style 'NEW'"):
        run([NEWS], tmp_path / "a", tone_style="NEW", workers=0)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"give tone_style='new' to Segmenter\.load"):
        run([NEWS], tmp_path / "b", segmenter=tiny_segmenter, tone_style="new", workers=0)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_conllu_ids_cannot_break_the_format(tmp_path: Path, tiny_segmenter) -> None:
    (tmp_path / "in").mkdir()
    record = {"id": "r 1\n# sent_id = x", "text": "Hà Nội mưa."}
    (tmp_path / "in" / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    options = {"output_format": "conllu", "segmenter": tiny_segmenter, "workers": 0}
    run([tmp_path / "in"], tmp_path / "out", **options)
    lines = (tmp_path / "out" / "feed.conllu").read_text("utf-8").split("\n")
    assert lines[:3] == [
        "# newdoc id = r_1_#_sent_id_=_x",
        "# newpar",
        "# sent_id = r_1_#_sent_id_=_x-1-1",
    ]


def test_output_inside_an_input_folder_is_not_read_back(tmp_path: Path, tiny_segmenter) -> None:
    folder = copy_news(tmp_path)
    run([folder], folder / "segmented", segmenter=tiny_segmenter, workers=0)
    summary = run([folder], folder / "segmented", segmenter=tiny_segmenter, workers=0)
    assert summary.files == 3 and summary.resumed_files == 3


def test_inputs_that_would_share_an_output_are_refused(tmp_path: Path, tiny_segmenter) -> None:
    folder = copy_news(tmp_path)
    shutil.copy(folder / "2017" / "gia-lua.txt", folder / "feed.txt")
    with pytest.raises(UsageError, match="both be written"):
        run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)


def test_rerun_with_other_options_is_refused(tmp_path: Path, tiny_segmenter) -> None:
    run([NEWS], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    with pytest.raises(RunConflictError, match="format"):
        run([NEWS], tmp_path / "out", output_format="jsonl", segmenter=tiny_segmenter, workers=0)


def test_rerun_skips_what_is_done_and_takes_new_files(tmp_path: Path, tiny_segmenter) -> None:
    folder = copy_news(tmp_path)
    first = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    before = output_tree(tmp_path / "out")
    assert run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0).resumed_files == 3
    assert output_tree(tmp_path / "out") == before
    shutil.copy(folder / "2017" / "gia-lua.txt", folder / "2017" / "gia-lua-2.txt")
    summary = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert summary.files == 4 and summary.resumed_files == 3
    assert summary.stats.documents == first.stats.documents + 1


def test_rerun_redoes_a_finished_output_that_was_deleted(tmp_path: Path, tiny_segmenter) -> None:
    folder = copy_news(tmp_path)
    first = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    before = output_tree(tmp_path / "out")
    (tmp_path / "out" / "2017" / "gia-lua.txt").unlink()
    summary = run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert summary.resumed_files == 2 and summary.stats == first.stats
    assert str(summary).endswith("; 2 files were done by an earlier run")
    assert output_tree(tmp_path / "out") == before
    (tmp_path / "out" / "2017" / "gia-lua.txt").unlink()
    (tmp_path / "out" / "feed.txt").unlink()
    assert str(run([folder], tmp_path / "out", segmenter=tiny_segmenter, workers=0)).endswith(
        "; 1 file was done by an earlier run"
    )


def test_journal_line_cut_short_is_ignored(tmp_path: Path, tiny_segmenter) -> None:
    run([NEWS], tmp_path / "clean", segmenter=tiny_segmenter, workers=0, chunk_bytes=200)
    out = tmp_path / "out"
    run([NEWS], out, segmenter=tiny_segmenter, workers=0, chunk_bytes=200)
    journal = out / STATE_FOLDER / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    # As if killed while appending the fourth line: its first half reached the disk.
    journal.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])
    run([NEWS], out, segmenter=tiny_segmenter, workers=0, chunk_bytes=200)
    assert output_tree(out) == output_tree(tmp_path / "clean")


def test_second_run_into_a_busy_folder_is_refused(tmp_path: Path, tiny_segmenter) -> None:
    from tachtu.corpus.manifest import Manifest

    holder = Manifest(tmp_path / "out")
    holder.open({})
    try:
        with pytest.raises(RunConflictError, match="another run"):
            run([NEWS], tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    finally:
        holder.close()


def test_tasks_in_flight_are_bounded() -> None:
    from concurrent.futures import Future

    pulled = 0
    ahead = []

    def tasks():
        nonlocal pulled
        for number in range(50):
            pulled += 1
            yield number

    def submit(task):
        future: Future = Future()
        future.set_result(task * 2)
        return future

    results = []
    for taken, result in enumerate(_in_order(submit, tasks(), limit=4), 1):
        ahead.append(pulled - taken)
        results.append(result)
    assert results == [2 * n for n in range(50)]
    assert max(ahead) <= 4


def test_python_steps_over_documents(tiny_segmenter) -> None:
    errors: list[InputError] = []
    raw = read_documents([NEWS], options=ReadOptions(), on_error=errors.append)
    stats = CorpusStats()
    documents = list(count_documents(segment_documents(raw, segmenter=tiny_segmenter), stats))
    assert [d.id for d in documents[:2]] == ["2017/gia-lua", "2017/mua-lon"]
    assert documents[2].metadata["url"] == "https://example.vn/n01"
    assert stats.documents == FEED_DOCUMENTS + 2 and not errors
    assert isinstance(documents[0], Document) and documents[0].title is not None


def test_read_documents_raises_bad_input_without_handler(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_bytes(b"{oops\n")
    with pytest.raises(InputError, match=r"feed.jsonl:1: malformed JSON"):
        list(read_documents([tmp_path]))


cli = CliRunner()


def test_cli_corpus_exit_codes(tmp_path: Path) -> None:
    model = ["--model", str(TINY_LEXICON), "--workers", "0"]
    result = cli.invoke(app, ["corpus", str(NEWS), "--out", str(tmp_path / "out"), *model])
    assert result.exit_code == 0, result.output
    assert "14 documents" in result.stdout and "from 3 files" in result.stdout
    assert "segmenting" not in result.output  # no progress bar when not on a terminal
    assert (tmp_path / "out" / "feed.txt").exists()

    (tmp_path / "bad.jsonl").write_bytes(b'{"id": 1}\n')
    result = cli.invoke(
        app, ["corpus", str(tmp_path / "bad.jsonl"), "--out", str(tmp_path / "out2"), *model]
    )
    assert result.exit_code == 1 and "1 error," in result.stdout

    result = cli.invoke(
        app, ["corpus", str(NEWS), "--out", str(tmp_path / "out"), "--format", "jsonl", *model]
    )
    assert result.exit_code == 2 and "other options" in result.output

    result = cli.invoke(
        app, ["corpus", str(NEWS), "--out", str(tmp_path / "x"), "--engine", "spark"]
    )
    assert result.exit_code == 2

    result = cli.invoke(
        app, ["corpus", str(NEWS), "--out", str(tmp_path / "y"), "--model", str(tmp_path / "none")]
    )
    assert result.exit_code == 2 and "cannot load the model" in result.output


def test_file_named_directly_is_text_unless_its_suffix_says_otherwise(
    tmp_path: Path, tiny_segmenter
) -> None:
    (tmp_path / "article").write_text("Hà Nội", "utf-8")
    (tmp_path / "article-2.gz").write_bytes(gzip.compress("Thủ đô".encode()))
    inputs = [tmp_path / "article", tmp_path / "article-2.gz"]
    run(inputs, tmp_path / "out", segmenter=tiny_segmenter, workers=0)
    assert (tmp_path / "out" / "article.txt").read_text("utf-8") == "Hà_Nội\n"
    assert (
        gzip.decompress((tmp_path / "out" / "article-2.txt.gz").read_bytes()) == "Thủ_đô\n".encode()
    )


def test_parquet_without_the_text_column_is_one_error(tmp_path: Path, tiny_segmenter) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{"id": str(n), "body": "Hà Nội"} for n in range(50)])
    pq.write_table(table, tmp_path / "feed.parquet")
    summary = run(
        [tmp_path / "feed.parquet"], tmp_path / "out", segmenter=tiny_segmenter, workers=0
    )
    assert [e["error"] for e in summary.errors] == [
        "no column 'text'; the columns are 'id', 'body'"
    ]
    summary = run(
        [tmp_path / "feed.parquet"],
        tmp_path / "body",
        text_field="body",
        segmenter=tiny_segmenter,
        workers=0,
    )
    assert summary.ok and summary.stats.documents == 50


def test_garbage_collector_is_put_back_after_each_task(tmp_path: Path, tiny_segmenter) -> None:
    import gc

    run([NEWS], tmp_path / "on", segmenter=tiny_segmenter, workers=0)
    assert gc.isenabled()
    gc.disable()
    try:
        run([NEWS], tmp_path / "off", segmenter=tiny_segmenter, workers=0)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _decode_utf8(data: bytes, path: str) -> str:
    return data.decode("utf-8")


class CountingDecoder:
    """A file decoder that counts how it is used."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self.calls = 0

    def __call__(self, data: bytes, path: str) -> str:
        self.calls += 1
        return data.decode("utf-8")

    def for_file(self, sample: bytes, path: str):
        self.files.append(path)
        return _decode_utf8


def test_a_file_decoder_settles_once_per_json_lines_file(tmp_path: Path, tiny_segmenter) -> None:
    counting = CountingDecoder()
    run(
        [NEWS],
        tmp_path / "out",
        decode=counting,
        segmenter=tiny_segmenter,
        workers=0,
        chunk_bytes=300,
    )
    assert counting.files == [str(NEWS / "feed.jsonl")]
    assert counting.calls == 2  # the two text files; no line of the feed
    run([NEWS], tmp_path / "plain", segmenter=tiny_segmenter, workers=0, chunk_bytes=300)
    assert output_tree(tmp_path / "out") == output_tree(tmp_path / "plain")


def test_legacy_encoded_json_lines_detected_once_for_the_file(
    tmp_path: Path, tiny_segmenter
) -> None:
    from tachtu.corpus.decoding import decoder
    from tachtu.encodings import encode

    text = NEWS.joinpath("feed.jsonl").read_text("utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_bytes(encode(text, "vni"))
    options = {"segmenter": tiny_segmenter, "workers": 0, "chunk_bytes": 300}
    run([tmp_path / "in"], tmp_path / "out", decode=decoder("auto"), **options)
    run([NEWS / "feed.jsonl"], tmp_path / "utf8", **options)
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8") == (
        tmp_path / "utf8" / "feed.txt"
    ).read_text("utf-8")


def test_json_lines_ascii_at_first_then_utf8_are_read(tmp_path: Path, tiny_segmenter) -> None:
    # The encoding is settled from the file's first 256 KiB; JSON with its non-ASCII escaped
    # there must not settle it on ASCII, which the raw UTF-8 further on is not.
    from tachtu.corpus.decoding import decoder

    escaped = json.dumps({"id": "a", "text": "Hà Nội là thủ đô " * 20}) + "\n"
    lines = [escaped] * (300_000 // len(escaped)) + [
        json.dumps({"id": "b", "text": "Việt Nam"}, ensure_ascii=False) + "\n"
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("".join(lines), encoding="utf-8")
    options = {"segmenter": tiny_segmenter, "workers": 0}
    summary = run([tmp_path / "in"], tmp_path / "out", decode=decoder("auto"), **options)
    assert summary.errors == [] and summary.stats.documents == len(lines)
    assert (tmp_path / "out" / "feed.txt").read_text("utf-8").endswith("\n\nViệt_Nam\n\n")


def test_utf16_json_lines_are_one_error_for_the_file(tmp_path: Path, tiny_segmenter) -> None:
    from tachtu.corpus.decoding import decoder

    (tmp_path / "in").mkdir()
    records = "".join(json.dumps({"id": str(i), "text": "Hà Nội"}) + "\n" for i in range(50))
    (tmp_path / "in" / "feed.jsonl").write_bytes(records.encode("utf-16"))
    (tmp_path / "in" / "page.txt").write_bytes("Việt Nam\n".encode("utf-16"))
    options = {"segmenter": tiny_segmenter, "workers": 0, "decode": decoder("auto")}
    summary = run([tmp_path / "in"], tmp_path / "out", **options)
    assert [record["error"] for record in summary.errors] == [
        "UTF-16 JSON Lines cannot be read a line at a time; convert it to UTF-8"
    ]
    assert (tmp_path / "out" / "page.txt").read_text("utf-8") == "Việt_Nam\n"


def _read_three_ways(data: bytes, options: ReadOptions) -> tuple[list, list, list]:
    """The records of a JSON Lines file read as the corpus reads them, without metadata, and
    with the standard library's json alone (what msgspec must agree with); metadata as its
    repr, which tells NaN from NaN."""
    source = InputFile(Path("feed.jsonl"), PurePosixPath("feed.jsonl"), InputKind.JSONL)
    chunk = Chunk(source, 0, [(n, line) for n, line in enumerate(data.splitlines(True), 1)])

    def reading(metadata: bool) -> list:
        return [
            (item.id, item.text, repr(dict(item.metadata)))
            if isinstance(item, Document)
            else item.as_record()
            for item in parse_chunk(chunk, options, metadata=metadata)
        ]

    # The text formats' reader: (id, text) pairs, as the documents without metadata.
    without_metadata = [
        (*item, "{}") if isinstance(item, tuple) else item.as_record()
        for item in parse_texts(chunk, options)
    ]
    assert without_metadata == reading(False)
    fast = reading(True)
    with mock.patch.object(corpus_readers, "msgspec", None):
        standard = reading(True)
    return fast, without_metadata, standard


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.dictionaries(
                st.sampled_from(["text", "id", "body", "url"]) | st.text(), _json_values
            ),
            st.none() | st.text(),
            st.booleans(),
            st.binary(max_size=2),
            st.integers(0, 40),
        ),
        max_size=6,
    ),
    st.sampled_from([("text", "id"), ("body", "url")]),
)
def test_json_lines_read_from_bytes_as_json_reads_them(records, fields) -> None:
    # msgspec reads a UTF-8 JSON line straight from its bytes; whatever the line holds (any
    # values, escapes or not, NaN, lone surrogates, bytes spliced in), the document or the error
    # is the one the standard library's json gives, with and without metadata.
    lines = []
    for record, text, ascii_only, junk, at in records:
        if text is not None:  # most records have a text to read
            record[fields[0]] = text
        line = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        lines.append(line[:at] + junk + line[at:] if junk else line)
    options = ReadOptions.utf8(text_field=fields[0], id_field=fields[1])
    fast, without_metadata, standard = _read_three_ways(b"\n".join(lines) + b"\n", options)
    assert fast == standard
    assert [_no_metadata(item) for item in fast] == without_metadata
    event("documents read" if any(isinstance(item, tuple) for item in fast) else "none read")


# Strings that decoding as auto does may change: mojibake runs, legacy-looking letters, lost
# bytes, decomposed letters, a BOM, and clean Vietnamese beside them.
_decodable_strings = st.lists(
    st.sampled_from(
        ["Việt", "Viá»‡t", "Ã¡", "á»?", "á»\ufffd", "ViÖt", "Ho\u0300a", "\ufeff", "Quá”", " ", "a"]
    )
    | st.text(max_size=3),
    max_size=6,
).map("".join)


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(["text", "id", "Viá»‡t"]), _decodable_strings),
            st.lists(_decodable_strings, max_size=2),
            st.booleans(),
            st.binary(max_size=2),
            st.integers(0, 40),
        ),
        max_size=6,
    )
)
def test_json_lines_read_quickly_by_auto_are_read_as_decoding_them_reads_them(records) -> None:
    # What auto settles on for a UTF-8 file reads a line with msgspec when decoding would leave
    # all its strings as they are; the document or the error must be what decoding the line,
    # repairs and all, and json.loads give, whatever the strings, escapes and spliced bytes.
    from tachtu.corpus import decoding

    lines = []
    for record, more, ascii_only, junk, at in records:
        record["more"] = more
        line = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        lines.append(line[:at] + junk + line[at:] if junk else line)
    options = ReadOptions(decode=decoding.RepairingUtf8Decoder())
    quick, _, _ = _read_three_ways(b"\n".join(lines) + b"\n", options)
    with mock.patch.object(corpus_readers, "msgspec", None):
        long_way, _, _ = _read_three_ways(b"\n".join(lines) + b"\n", options)
    assert quick == long_way
    event("documents read" if any(isinstance(item, tuple) for item in quick) else "none read")


_json_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.lists(st.integers(), max_size=2)
)


def _read_by_json(line: bytes):
    try:
        return json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


@pytest.mark.skipif(corpus_readers._flat_json_object is None, reason="the C core is not built")
@settings(deadline=None, max_examples=500)
@given(
    st.dictionaries(st.text(max_size=5), _json_values, max_size=4),
    st.booleans(),
    st.booleans(),
    st.binary(max_size=3),
    st.integers(0, 80),
)
def test_the_core_reads_a_json_line_as_json_does_or_leaves_it(
    record, ascii_only, spaced, junk, at
) -> None:
    # The core reads flat records (strings, integers, true, false, null) itself and leaves every
    # other line to msgspec: what it reads must be what json.loads reads, and a flat record of
    # valid JSON must be read.
    separators = (", ", ": ") if spaced else (",", ":")
    line = json.dumps(record, ensure_ascii=ascii_only, separators=separators).encode()
    if junk:
        line = line[:at] + junk + line[at:]
    read = corpus_readers._flat_json_object(line)
    if read is not None:
        assert read == _read_by_json(line)
        assert [type(value) for value in read.values()] == [
            type(value) for value in _read_by_json(line).values()
        ]
    flat = all(
        value is None
        or isinstance(value, str | bool)
        or (type(value) is int and abs(value) < 10**17)
        for value in record.values()
    )
    if flat and not junk:
        assert read == record
    event("read by the core" if read is not None else "left to msgspec")


@pytest.mark.skipif(corpus_readers._flat_json_object is None, reason="the C core is not built")
@pytest.mark.parametrize(
    ("line", "read"),
    [
        (b'{"a": "\\u00e9\\n\\t\\"\\\\\\/\\ud83d\\ude00"}\r\n', {"a": '\u00e9\n\t"\\/\U0001f600'}),
        ('{"a": "\U0001f600 Hà Nội"}'.encode(), {"a": "\U0001f600 Hà Nội"}),
        (b'{"a": 123456789012345678, "b": -0}', {"a": 123456789012345678, "b": 0}),
        (b" { } ", {}),
        (b'{"a": 1234567890123456789}', None),  # longer than the core reads
        (b'{"a": 01}', None),
        (b'{"a": 1.5}', None),
        (b'{"a": "\\ud800"}', None),  # a lone surrogate
        (b'{"a": "\xc0\x80"}', None),  # overlong
        (b'{"a": "\xed\xa0\x80"}', None),  # a surrogate in UTF-8
        (b'{"a": "x\x01"}', None),  # a control character
        (b'{"a": "x\x00"}', None),
        (b"\xef\xbb\xbf{}", None),  # a BOM
        (b'{"a": "x"} x', None),
        (b'{"a": "x",}', None),
        (b'{"a": "x"', None),
        (b'{"a": "\xe1\xbb', None),  # the line ends inside a character
    ],
)
def test_the_core_reads_flat_json_objects_only(line: bytes, read) -> None:
    assert corpus_readers._flat_json_object(line) == read
    if read is not None:
        assert read == _read_by_json(line)


def _no_metadata(item: tuple | dict) -> tuple | dict:
    return (*item[:2], "{}") if isinstance(item, tuple) else item


@pytest.mark.parametrize("case", [c for c in BAD_INPUTS if BAD_INPUTS[c][0].endswith(".jsonl")])
def test_json_lines_from_bytes_report_each_bad_line_as_json_does(case: str) -> None:
    fast, _, standard = _read_three_ways(BAD_INPUTS[case][1], ReadOptions.utf8())
    assert fast == standard


def test_workers_start_with_numeric_libraries_on_one_thread(monkeypatch) -> None:
    # numpy's OpenBLAS would start a thread a core in every worker; a user's own setting stands,
    # and the main process's environment is as it was afterwards.
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    with corpus_engines._one_thread_libraries():
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        try:
            seen = pool.submit(_environment, ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]).result()
        finally:
            pool.shutdown()
    assert seen == ["1", "3"]
    assert "OPENBLAS_NUM_THREADS" not in os.environ and os.environ["OMP_NUM_THREADS"] == "3"


def _environment(names: list[str]) -> list[str | None]:
    return [os.environ.get(name) for name in names]


def test_workers_fork_only_while_no_other_thread_runs(monkeypatch) -> None:
    # A thread's locks would stay taken forever in a forked child.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert corpus_engines._start_method() == "spawn"
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(corpus_engines.threading, "active_count", lambda: 1)
    alone = "fork" if sys.platform.startswith("linux") else "spawn"
    assert corpus_engines._start_method() == alone


def _worker_state(task: list) -> list:
    import gc

    return [
        sys.stderr is sys.__stderr__,
        sys.stdout is sys.__stdout__,
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        gc.get_freeze_count() > 0,
        os.getpid(),
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_forked_workers_take_over_no_streams_or_handlers_of_the_main_process(
    monkeypatch,
) -> None:
    # A progress display replaces the standard streams, a program may handle SIGTERM (which the
    # pool stops broken workers with): a forked worker has neither, as a spawned one would not.
    monkeypatch.setattr(corpus_engines, "_start_method", lambda: "fork")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    handler = signal.signal(signal.SIGTERM, lambda number, frame: None)
    try:
        with corpus_engines._started_pool(_worker_state, 1) as run_tasks:  # type: ignore[arg-type]
            [state] = list(run_tasks([["task"]]))
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert state[:4] == [True, True, True, True] and state[4] != os.getpid()


KILLED_HOLDING_THE_LOCK = """
import os, signal, sys, time
from pathlib import Path
from tachtu.corpus.manifest import Manifest
manifest = Manifest(Path(sys.argv[1]))
manifest.open({"format": "text"})
if os.fork() == 0:
    # Printed by the child, so after its fork handlers ran: the test must not race them.
    print(os.getpid(), flush=True)
    time.sleep(60)
    os._exit(0)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_forked_child_does_not_keep_the_run_locked(tmp_path: Path) -> None:
    # A worker outliving its killed main process for a moment must not make the rerun look
    # like another run writing to the folder.
    command = [sys.executable, "-c", KILLED_HOLDING_THE_LOCK, str(tmp_path)]
    killed = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert killed.stdout is not None
    child = int(killed.stdout.readline())
    try:
        assert killed.wait(timeout=60) == -signal.SIGKILL
        os.kill(child, 0)  # still alive
        manifest = Manifest(tmp_path)
        manifest.open({"format": "text"})
        manifest.close()
    finally:
        os.kill(child, signal.SIGKILL)


def test_the_progress_bar_runs_no_thread() -> None:
    # Workers are forked only while no other thread runs.
    from tachtu.corpus.progress import RunProgress, progress_bar

    before = threading.active_count()
    with progress_bar(enabled=True) as on_progress:
        on_progress(RunProgress(1, 5, 5, 0, 10, 20))
        assert threading.active_count() == before


@pytest.mark.skipif(
    not hasattr(corpus_engines.fcntl, "F_GETPIPE_SZ")
    or int(Path("/proc/sys/fs/pipe-max-size").read_text()) < 1 << 20,
    reason="pipe sizes are Linux's, up to its limit",
)
def test_worker_pipes_hold_a_whole_chunk() -> None:
    # A worker must not wait for the main process to write its next chunk piece by piece.
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    try:
        _widen_pipes(pool)
        for queue in (pool._call_queue, pool._result_queue):
            fcntl = corpus_engines.fcntl
            assert fcntl.fcntl(queue._reader.fileno(), fcntl.F_GETPIPE_SZ) >= 1 << 20
    finally:
        pool.shutdown()


def test_sentences_format_writes_a_sentence_a_line_and_counts_as_text_does(
    tmp_path: Path, tiny_segmenter
) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"id": "a", "text": "Hà Nội mưa. Gió to!\nThủ đô."}, {"id": "b", "text": "Mưa"}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    text = run([feed], tmp_path / "text", segmenter=tiny_segmenter, workers=0)
    sentences = run(
        [feed],
        tmp_path / "sentences",
        segmenter=tiny_segmenter,
        workers=0,
        output_format="sentences",
    )
    written = (tmp_path / "sentences" / "feed.txt").read_text("utf-8")
    assert written == "Hà_Nội mưa .\nGió to !\nThủ_đô .\n\nMưa\n\n"
    assert sentences.stats.sentences == 3 + 1
    assert (sentences.stats.documents, sentences.stats.words) == (
        text.stats.documents,
        text.stats.words,
    )
