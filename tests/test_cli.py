from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tachtu import __version__
from tachtu.cli import app
from tachtu.normalize import normalize

from .conftest import REPO, TESTS, TINY_LEXICON, shared_path

ARTICLE = REPO / "examples" / "azerbaijan-election.txt"
GOLDEN = TESTS / "data" / "golden"
runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=stdin)


@pytest.mark.parametrize("output_format", ["masked", "text"])
def test_segment_matches_golden_file(output_format: str) -> None:
    result = run("segment", "--model", TINY_LEXICON, "--format", output_format, ARTICLE)
    assert result.exit_code == 0
    golden = GOLDEN / f"azerbaijan-election.{output_format}.txt"
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_segment_reads_stdin_line_by_line() -> None:
    result = run("segment", "--model", TINY_LEXICON, stdin="Hà Nội là thủ đô\n\nViệt Nam\n")
    assert result.exit_code == 0
    assert result.stdout == "Hà_Nội là thủ_đô\n\nViệt_Nam\n"


def test_segment_options() -> None:
    result = run(
        "segment",
        "--model",
        TINY_LEXICON,
        "--sep",
        "+",
        "--tone-style",
        "new",
        stdin="Hà Nội hòa bình\n",
    )
    assert result.stdout == "Hà+Nội hoà bình\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "conllu", "--sep", "_"), "does not apply to conllu"),
        (("--sep", "\n"), "may not hold a line break"),
        (("--format", "sentences", "--sep", "\u2028"), "may not hold a line break"),
    ],
)
def test_a_separator_the_format_cannot_show_is_refused(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    for command, extra in (("segment", ()), ("corpus", ("--out", tmp_path / "out", ARTICLE))):
        result = run(command, "--model", TINY_LEXICON, *args, *extra, stdin="Hà Nội\n")
        assert result.exit_code == 2
        assert "--sep" in result.output and message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_line_break_may_join_words_in_jsonl() -> None:
    result = run("segment", "--model", TINY_LEXICON, "-f", "jsonl", "--sep", "\n", stdin="Hà Nội\n")
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["paragraphs"][0]["sentences"][0]["words"][0]["form"] == "Hà\nNội"


def test_jsonl_and_conllu_from_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hà Nội\nThủ đô.", encoding="utf-8")
    result = run("segment", "--model", TINY_LEXICON, "--format", "jsonl", tmp_path)
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["id"] == "a" and len(record["paragraphs"]) == 2
    result = run("segment", "--model", TINY_LEXICON, "--format", "conllu", tmp_path / "a.txt")
    assert "# sent_id = a-2-1" in result.stdout and "1\tThủ đô\t" in result.stdout
    assert result.stdout.startswith("# newdoc id = a\n# newpar\n")  # as a corpus run writes it
    piped = run("segment", "--model", TINY_LEXICON, "-f", "conllu", stdin="Hà Nội\n")
    assert piped.stdout.startswith("# newdoc id = stdin\n# newpar\n# sent_id = stdin-1-1\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"dong mot\n\xff\xfe hai\n", ":2: invalid UTF-8 at byte 9"),
        (b"text\n\x00\x01\x02binary", ":2: binary file"),
    ],
)
def test_bad_files_are_reported_and_the_rest_is_processed(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Hà Nội", encoding="utf-8")
    result = run("segment", "--model", TINY_LEXICON, bad, tmp_path / "missing.txt", good)
    assert result.exit_code == 1
    assert f"{bad}{message}" in result.stderr
    assert f"{tmp_path / 'missing.txt'}: No such file" in result.stderr
    assert result.stdout == "Hà_Nội\n"


def test_errors_replace_keeps_going(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Ha\xff Noi\n")
    result = run("segment", "--model", TINY_LEXICON, "--errors", "replace", bad)
    assert result.exit_code == 0
    assert result.stdout == "Ha \ufffd Noi\n"


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run("segment", "--format", "xml").exit_code == 2
    for option, value in (("--workers", "-1"), ("--chunk-size", "0")):
        result = run("corpus", tmp_path, "--out", tmp_path / "out", option, value)
        assert result.exit_code == 2 and f"Invalid value for '{option}'" in result.output
    assert not (tmp_path / "out").exists()


def test_evaluate_with_and_without_prediction(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("Hà_Nội là thủ_đô\nViệt_Nam .\n", encoding="utf-8")
    predicted = tmp_path / "pred.txt"
    predicted.write_text("Hà_Nội là thủ đô\nViệt_Nam .\n", encoding="utf-8")
    assert (
        run("evaluate", gold, predicted).stdout == "P=66.67 R=80.00 F1=72.73 lines=2 misaligned=0\n"
    )
    own = run("evaluate", "--model", TINY_LEXICON, gold)
    assert own.stdout == "P=100.00 R=100.00 F1=100.00 lines=2 misaligned=0\n"
    predicted.write_text("one line\n", encoding="utf-8")
    assert run("evaluate", gold, predicted).exit_code == 1
    predicted.write_text("Hà_Nội là thủ_đô\nViệt_Nam\n", encoding="utf-8")
    result = run("evaluate", gold, predicted)
    assert result.exit_code == 0 and "misaligned=1" in result.stdout
    assert "pred.txt: line 2 with other characters than the gold's" in result.stderr


def test_evaluate_lists_where_the_prediction_differs(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("Hà_Nội là thủ_đô\nthủ_đô .\nmưa to\n", encoding="utf-8")
    predicted = tmp_path / "pred.txt"
    predicted.write_text("Hà_Nội là_thủ đô\nthủ đô .\nmưa to\n", encoding="utf-8")
    result = run("evaluate", gold, predicted, "--top", "5")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "2 places differ; the most frequent, gold -> predicted:",
        "      1  là thủ_đô  ->  là_thủ đô",
        "      1  thủ_đô  ->  thủ đô",
    ]
    assert run("evaluate", gold, gold, "--top", "5").stdout.endswith(
        "\n0 places differ; the most frequent, gold -> predicted:\n"
    )


def test_evaluate_by_length(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("Hà_Nội là thủ_đô\ncơ_quan_hành_chính .\n", encoding="utf-8")
    predicted = tmp_path / "pred.txt"
    predicted.write_text("Hà_Nội là thủ đô\ncơ_quan hành_chính .\n", encoding="utf-8")
    result = run("evaluate", gold, predicted, "--by-length")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "syllables     gold    found  recall  predicted  correct  precision",
        "1                2        2  100.00          4        2      50.00",
        "2                2        1   50.00          3        1      33.33",
        "3                0        0    0.00          0        0       0.00",
        "4                1        0    0.00          0        0       0.00",
        "5+               0        0    0.00          0        0       0.00",
    ]


def test_evaluate_reads_conllu_and_a_user_dictionary(tmp_path: Path) -> None:
    gold = tmp_path / "gold.conllu"
    gold.write_text(
        "# text = Hà Nội là thủ đô\n1\tHà Nội\t_\n2\tlà\t_\n3\tthủ đô\t_\n\n1\tmưa\t_\n2\tto\t_\n",
        encoding="utf-8",
    )
    plain = tmp_path / "gold.txt"
    plain.write_text("Hà_Nội là thủ_đô\nmưa to\n", encoding="utf-8")
    assert run("evaluate", gold, plain).stdout.startswith("P=100.00 R=100.00 F1=100.00 lines=2")
    split = tmp_path / "split.txt"
    split.write_text("thủ đô\n", encoding="utf-8")
    assert run("evaluate", gold).stdout.startswith("P=100.00 R=100.00")
    assert run("evaluate", "--dict", split, gold).stdout.startswith("P=66.67 R=80.00")
    missing = run("evaluate", "--dict", tmp_path / "none.txt", gold)
    assert missing.exit_code == 2 and "none.txt" in missing.stderr


def test_evaluate_reads_conll_x_by_its_name_or_its_rows(tmp_path: Path) -> None:
    # VnDT: CoNLL-X, ten columns, the syllables of a form joined by "_"
    rows = [
        ("Hà_Nội", "Np", "2", "sub"),
        ("là", "V", "0", "root"),
        ("thủ_đô", "N", "2", "dob"),
        (".", "CH", "2", "punct"),
    ]
    conll = "".join(
        f"{i}\t{form}\t{form}\t{tag}\t{tag}\t_\t{head}\t{rel}\t_\t_\n"
        for i, (form, tag, head, rel) in enumerate(rows, 1)
    )
    plain = tmp_path / "pred.txt"
    plain.write_text("Hà_Nội là thủ đô .\n", encoding="utf-8")
    for name in ("test.conll", "test.conllx", "test.txt", "test"):
        gold = tmp_path / name
        gold.write_text("# sent_id = 1\n" + conll + "\n", encoding="utf-8")
        result = run("evaluate", gold, plain)
        assert result.exit_code == 0, name
        assert result.stdout.startswith("P=60.00 R=75.00 F1=66.67 lines=1 misaligned=0"), name
        assert run("evaluate", plain, gold).stdout.startswith("P=75.00 R=60.00"), name


def test_evaluate_reads_legacy_encodings_and_refuses_gold_without_words(tmp_path: Path) -> None:
    from tachtu.encodings import encode

    gold = tmp_path / "gold.txt"
    gold.write_bytes(encode("Hà_Nội là thủ_đô của nước Việt_Nam .\n", "tcvn3"))
    predicted = tmp_path / "pred.txt"
    predicted.write_text("Hà_Nội là thủ_đô của nước Việt Nam .\n", encoding="utf-8")
    result = run("evaluate", gold, predicted)
    assert result.exit_code == 0 and "R=85.71" in result.stdout
    assert run("evaluate", "-e", "tcvn3", gold, gold).stdout.startswith("P=100.00")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    refused = run("evaluate", empty, gold)
    assert refused.exit_code == 1 and "empty.txt: no gold words to score" in refused.stderr


def test_normalize_ends_each_files_last_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("không xuống dòng", encoding="utf-8")
    (tmp_path / "b.txt").write_text("b\n", encoding="utf-8")
    result = run("normalize", tmp_path / "a.txt", tmp_path / "b.txt")
    assert result.stdout == "không xuống dòng\nb\n"


def test_folders_are_scanned_as_a_corpus_run_scans_them(tmp_path: Path) -> None:
    for name in ["sub/x.txt", ".hidden/y.txt", ".z.txt", "A.TXT", "b.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{Path(name).stem}\n", encoding="utf-8")
    assert run("segment", "--model", TINY_LEXICON, tmp_path).stdout == "A\nx\n"


def test_normalize_command() -> None:
    result = run("normalize", "--tone-style", "old", stdin="Ho\u0300a thuỷ\u00a0lựơng\n")
    assert result.stdout == "Hòa thủy lượng\n"


def test_no_character_is_lost_on_news_samples() -> None:
    folder = shared_path("data/news/sample-txt")
    result = run("segment", "--sep", "\x01", folder)
    assert result.exit_code == 0
    texts = [normalize(p.read_text(encoding="utf-8")) for p in sorted(folder.rglob("*.txt"))]
    expected = "".join("".join(t.split()) for t in texts)
    assert result.stdout.replace("\x01", "").replace(" ", "").replace("\n", "") == expected


def test_user_dictionary_forces_joins_and_splits(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("kiểm_phiếu  # a word the model splits\nHà Nội\n", encoding="utf-8")
    result = run("segment", "--dict", dictionary, stdin="kiểm phiếu ở Hà Nội\n")
    assert result.exit_code == 0
    assert result.stdout == "kiểm_phiếu ở Hà Nội\n"


def test_missing_dictionary_is_a_usage_error(tmp_path: Path) -> None:
    result = run("segment", "--dict", tmp_path / "none.txt", stdin="a\n")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"tachtu: error: --dict {tmp_path / 'none.txt'}: No such file or directory\n"
    )


def test_a_model_file_that_cannot_be_read_is_named_with_its_option(tmp_path: Path) -> None:
    import numpy as np

    (tmp_path / "text.npz").write_text("not a model", encoding="utf-8")
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    expected = {
        tmp_path / "none.npz": "--model {}: No such file or directory",
        tmp_path: "--model {}: Is a directory",
        tmp_path / "text.npz": "{}: not a tachtu model file (no .npz archive)",
        tmp_path / "other.npz": "{}: not a tachtu model file (no array 'format_version')",
    }
    for path, message in expected.items():
        result = run("segment", "--model", path, stdin="Hà Nội\n")
        assert result.exit_code == 2
        assert result.stderr == f"tachtu: error: {message.format(path)}\n"


def test_train_passes_its_options_to_the_trainer() -> None:
    result = run("train", "--help")
    assert result.exit_code == 0
    assert "--data" in result.stdout and "--output" in result.stdout
    assert result.stdout.startswith("usage: tachtu train")


def test_train_refuses_an_output_folder_that_is_not_there_before_training(
    tmp_path: Path,
) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("Hà_Nội là thủ_đô\n", encoding="utf-8")
    args = ["train", "--data", tmp_path, "--train", "gold.txt", "--dev", "gold.txt"]
    result = run(*args, "--output", tmp_path / "none" / "model.npz")
    assert result.exit_code == 2
    assert "tachtu train: error: --output" in result.stderr and "no such folder" in result.stderr


@pytest.mark.parametrize("encoding", ["vni", "tcvn3", "viscii", "cp1258", "viqr", "utf-16"])
def test_legacy_encoded_files_are_detected_and_reported(
    tmp_path: Path, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    from tachtu.encodings import encode

    text = "Hà Nội là thủ đô của nước Việt Nam, một đất nước tươi đẹp."
    path = tmp_path / "old.txt"
    path.write_bytes(encode(text, encoding))
    result = run("segment", "--model", TINY_LEXICON, "--sep", "\x01", path)
    assert result.exit_code == 0
    assert (
        result.stdout.replace("\x01", " ")
        == normalize(text).replace(",", " ,").replace(".", " .") + "\n"
    )
    assert f"{path}: read as {encoding} (detected" in caplog.text
    caplog.clear()
    explicit = run(
        "segment", "--model", TINY_LEXICON, "--sep", "\x01", "--encoding", encoding, path
    )
    assert explicit.stdout == result.stdout and "read as" not in caplog.text


def test_unknown_encoding_is_a_usage_error() -> None:
    result = run("segment", "--encoding", "latin-9", stdin="a\n")
    assert result.exit_code == 2
    assert "unknown encoding" in result.stderr


def test_normalize_report(tmp_path: Path) -> None:
    from tachtu.encodings import encode

    path = tmp_path / "page.txt"
    path.write_bytes(encode("Hoà bình lựơng\u00a0thực", "vni"))
    result = run("normalize", "--report", "--tone-style", "old", path)
    assert result.exit_code == 0
    assert result.stdout == "Hòa bình lượng thực\n"  # its last line ended
    assert f"{path}: odd_spaces 1, tone_marks 2" in result.stderr


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("notice.utf-8-mojibake.txt", "mojibake 49"),
        ("notice.utf-8-nfd.txt", "composed 66"),
        ("notice.tcvn3.txt", "case_restored 6"),
    ],
)
def test_normalize_report_counts_what_decoding_changed(fixture: str, expected: str) -> None:
    # Decoding repairs mojibake and composes NFD before normalization sees the text; the report
    # must still say so.
    path = TESTS / "data" / "encodings" / fixture
    result = run("normalize", "--report", path)
    assert result.exit_code == 0
    assert result.stdout == (TESTS / "data" / "encodings" / "notice.expected.txt").read_text(
        "utf-8"
    )
    assert f"{path}: {expected}" in result.stderr


def run_bytes(*args: str | Path, stdin: bytes):
    return runner.invoke(app, [str(a) for a in args], input=stdin)


# Not UTF-8 (and, on a line of its own, TCVN3 for "Việt Nam": tests that mean the error say -e utf-8)
BAD_UTF8 = b"Vi\xd6t Nam\n"


@pytest.mark.parametrize("output_format", ["text", "sentences", "masked"])
def test_stdin_line_that_is_not_utf8_is_named_and_the_rest_segmented(output_format: str) -> None:
    result = run_bytes(
        "segment",
        "--model",
        TINY_LEXICON,
        "-f",
        output_format,
        stdin="Hà Nội là thủ đô\n".encode() + BAD_UTF8 + "Việt Nam\n".encode(),
    )
    assert result.exit_code == 1
    assert "<stdin>:2:" in result.stderr and "try --errors replace" in result.stderr
    lines = result.stdout.split("\n")
    # the bad line is an empty line out, so that the lines after it keep their place
    assert lines[0].startswith("Hà_Nội") and lines[1] == "" and lines[2].startswith("Việt_Nam")


def test_stdin_errors_replace_and_encodings_apply() -> None:
    from tachtu.encodings import encode

    replaced = run_bytes(
        "segment", "--model", TINY_LEXICON, "-e", "utf-8", "--errors", "replace", stdin=BAD_UTF8
    )
    assert replaced.exit_code == 0 and replaced.stdout == "Vi \ufffd t Nam\n"
    legacy = encode("Hà Nội là thủ đô của nước Việt Nam.\n", "tcvn3")
    for encoding in ("tcvn3", "auto"):
        result = run_bytes("segment", "--model", TINY_LEXICON, "-e", encoding, stdin=legacy)
        assert result.exit_code == 0
        assert result.stdout == "Hà_Nội là thủ_đô của nước Việt_Nam .\n"


def test_stdin_line_breaks_are_a_files_line_breaks() -> None:
    result = run_bytes("segment", "--model", TINY_LEXICON, stdin="Hà Nội\r\nthủ đô\rmưa\n".encode())
    assert result.stdout == "Hà_Nội\nthủ_đô\nmưa\n"


def test_stdin_in_a_structured_format_is_not_written_when_unreadable() -> None:
    result = run_bytes("segment", "-f", "jsonl", stdin="Hà Nội\n".encode() + BAD_UTF8)
    assert result.exit_code == 1
    assert result.stdout == "" and "<stdin>:2:" in result.stderr


def test_normalize_stdin_report_and_errors() -> None:
    stdin = "Ho\u0300a\r\n".encode() + BAD_UTF8 + b"b\n"
    result = run_bytes("normalize", "--report", "-e", "utf-8", stdin=stdin)
    assert result.exit_code == 1
    assert result.stdout == "Hòa\n\nb\n"
    assert "<stdin>:2:" in result.stderr
    assert "<stdin>: composed 1, line_ends 1" in result.stderr


def test_corpus_reads_legacy_encoded_files(tmp_path: Path) -> None:
    from tachtu.encodings import encode

    source = tmp_path / "in"
    source.mkdir()
    (source / "old.txt").write_bytes(encode("Thủ đô Hà Nội", "tcvn3"))
    (source / "new.txt").write_text("Việt Nam", encoding="utf-8")
    out = tmp_path / "out"
    result = run("corpus", source, "--out", out, "--model", TINY_LEXICON, "--workers", "0")
    assert result.exit_code == 0, result.output
    assert (out / "old.txt").read_text(encoding="utf-8") == "Thủ_đô Hà_Nội\n"
    assert (out / "new.txt").read_text(encoding="utf-8") == "Việt_Nam\n"


def test_corpus_user_dictionary_and_its_resume_check(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("kiểm phiếu ở Hà Nội", encoding="utf-8")
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("kiểm_phiếu\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("corpus", source, "--out", out, "--dict", dictionary, "--workers", "0")
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == "kiểm_phiếu ở Hà_Nội\n"
    dictionary.write_text("Hà Nội\n", encoding="utf-8")
    # Another dictionary would write other words: the finished run is not taken as this one.
    changed = run("corpus", source, "--out", out, "--dict", dictionary, "--workers", "0")
    assert changed.exit_code == 2


def test_the_command_line_imports_the_worker_pool_only_for_corpus_runs() -> None:
    # A tenth of the start of `tachtu segment`: multiprocessing, concurrent.futures, the runner.
    pool_modules = ["tachtu.corpus.engines", "tachtu.corpus.runner", "concurrent.futures.process"]
    code = f"import sys, tachtu.cli; print([m for m in {pool_modules!r} if m in sys.modules])"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert imported.stdout.strip() == "[]", imported.stderr


def test_every_name_of_the_corpus_package_is_there() -> None:
    import importlib

    import tachtu.corpus

    homes = tachtu.corpus._HOMES
    assert sorted(homes) == sorted(tachtu.corpus.__all__) == dir(tachtu.corpus)
    for name, home in homes.items():
        module = importlib.import_module(f"tachtu.corpus.{home}")
        assert getattr(tachtu.corpus, name) is getattr(module, name)


def test_version_is_printed_by_the_command_and_by_python_dash_m() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"tachtu {__version__}\n"
    module = subprocess.run(
        [sys.executable, "-m", "tachtu", "segment"],
        input="Hà Nội là thủ đô.\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert module.stdout == "Hà_Nội là thủ_đô .\n"


def test_sentences_format_one_sentence_a_line_and_a_blank_line_between_documents(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("Hà Nội mưa. Gió to!\nThủ đô.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Việt Nam.", encoding="utf-8")
    result = run("segment", "--model", TINY_LEXICON, "-f", "sentences", tmp_path)
    assert result.exit_code == 0
    assert result.stdout == "Hà_Nội mưa .\nGió to !\nThủ_đô .\n\nViệt_Nam .\n"
    # from stdin, line by line: a line without units (between two documents) stays a line
    piped = run("segment", "--model", TINY_LEXICON, "-f", "sentences", stdin="Mưa. Gió.\n\nNắng.\n")
    assert piped.stdout == "Mưa .\nGió .\n\nNắng .\n"


@pytest.mark.parametrize(
    "output_format", ["text", "sentences", "masked", "jsonl", "conllu", "conll"]
)
def test_segment_reads_records_and_compressed_files_as_a_corpus_run_does(
    tmp_path: Path, output_format: str
) -> None:
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    records = [{"id": "a1", "text": "Hà Nội mưa.\nThủ đô.", "url": "u"}, {"text": "Việt Nam."}]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    packed = tmp_path / "in" / "article.txt.gz"
    packed.write_bytes(gzip.compress("Hà Nội là thủ đô.\n".encode()))
    out = tmp_path / "out"
    options = ("--model", TINY_LEXICON, "--format", output_format)
    corpus = run("corpus", feed.parent, "--out", out, "--compression", "none", *options)
    assert corpus.exit_code == 0, corpus.output
    for source in (feed, packed):
        result = run("segment", *options, source)
        assert result.exit_code == 0, result.output
        [written] = [p for p in out.iterdir() if p.name.split(".")[0] == source.name.split(".")[0]]
        assert result.stdout == written.read_text(encoding="utf-8")


def test_evaluate_reads_what_conll_output_writes(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("Hà_Nội mưa .\nThủ_đô là Hà_Nội !\n", encoding="utf-8")
    raw = "Hà Nội mưa. Thủ đô là Hà Nội!\n"  # one line, two sentences: a block each
    predicted = tmp_path / "predicted.conll"
    written = run("segment", "--model", TINY_LEXICON, "-f", "conll", stdin=raw).stdout
    predicted.write_text(written, encoding="utf-8")
    result = run("evaluate", gold, predicted)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("P=100.00 R=100.00 F1=100.00 lines=2")
    # gold of paragraphs against a prediction of sentences: named, with the likely cause
    gold.write_text("Hà_Nội mưa . Thủ_đô là Hà_Nội !\n", encoding="utf-8")
    result = run("evaluate", gold, predicted)
    assert result.exit_code == 1 and result.stdout == ""
    assert "1 gold lines, 2 predicted (the sentences and conll formats" in result.stderr


def test_a_folder_with_nothing_to_read_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("Hà Nội\n", encoding="utf-8")
    (folder / "b.jsonl").write_text('{"text": "Hà Nội"}\n', encoding="utf-8")
    result = run("segment", "--model", TINY_LEXICON, folder)
    assert result.exit_code == 0 and result.stdout == ""
    assert f"{folder}: no .txt file in this folder" in caplog.text
    caplog.clear()
    (folder / "b.jsonl").unlink()
    result = run("corpus", "--model", TINY_LEXICON, folder, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert f"{folder}: no input file in this folder" in caplog.text


def test_main_writes_warnings_as_the_commands_write_errors(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "tachtu", "segment", str(tmp_path)]
    stderr = subprocess.run(command, capture_output=True, text=True, check=True).stderr
    assert stderr.startswith(f"tachtu: warning: {tmp_path}: no .txt file")


def test_segment_names_bad_records_and_writes_the_others(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('not json\n{"id": "ok", "text": "Hà Nội"}\n{"id": 3}\n', encoding="utf-8")
    result = run("segment", "--model", TINY_LEXICON, feed, tmp_path / "missing.jsonl")
    assert result.exit_code == 1
    assert result.stdout == "Hà_Nội\n\n"  # a file of records ends each document with a blank line
    assert f"{feed}:1: malformed JSON" in result.stderr
    assert f"{feed}:3 (document 3): no field 'text'" in result.stderr
    assert f"{tmp_path / 'missing.jsonl'}: " in result.stderr


def test_segment_fields_of_records(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"key": "k1", "body": "Hà Nội"}\n', encoding="utf-8")
    result = run(
        "segment",
        "--model",
        TINY_LEXICON,
        "-f",
        "jsonl",
        "--text-field",
        "body",
        "--id-field",
        "key",
        feed,
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "k1"


def test_sentences_of_text_files_and_records_are_separated_by_one_blank_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("Mưa.", encoding="utf-8")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress("Gió.".encode()))
    (tmp_path / "c.jsonl").write_text('{"text": "Nắng."}\n', encoding="utf-8")
    files = [tmp_path / name for name in ("a.txt", "b.txt.gz", "c.jsonl", "a.txt")]
    result = run("segment", "--model", TINY_LEXICON, "-f", "sentences", *files)
    assert result.exit_code == 0
    assert result.stdout == "Mưa .\n\nGió .\n\nNắng .\n\nMưa .\n"


def test_normalize_and_evaluate_read_compressed_text(tmp_path: Path) -> None:
    packed = tmp_path / "page.txt.gz"
    packed.write_bytes(gzip.compress("Ho\u0300a bi\u0300nh\r\n".encode()))
    result = run("normalize", "--report", packed)
    assert result.exit_code == 0 and result.stdout == "Hòa bình\n"
    assert f"{packed}: composed 2, line_ends 1" in result.stderr
    gold = tmp_path / "gold.txt.gz"
    gold.write_bytes(gzip.compress("Hà_Nội mưa\n".encode()))
    assert run("evaluate", gold, "--model", TINY_LEXICON).stdout.startswith("P=100.00")
    (tmp_path / "broken.txt.gz").write_bytes(b"not gzip")
    broken = run("normalize", tmp_path / "broken.txt.gz")
    assert broken.exit_code == 1 and f"{tmp_path / 'broken.txt.gz'}: cannot read" in broken.stderr


def test_normalize_rewrites_each_records_text(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "a", "body": "Ho\u0300a bi\u0300nh\u00a0thủy", "tags": ["x"]},
        {"id": "b", "body": "hòa"},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    feed.write_text(lines[0] + "\nnot json\n" + lines[1] + "\n", encoding="utf-8")
    result = run("normalize", "--text-field", "body", "--tone-style", "new", "--report", feed)
    assert result.exit_code == 1  # the line that is no JSON is named, the others written
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "a", "body": "Hoà bình thuỷ", "tags": ["x"]},
        {"id": "b", "body": "hoà"},
    ]
    assert f"{feed}:2: malformed JSON" in result.stderr
    assert f"{feed}: composed 2, odd_spaces 1, tone_marks 3" in result.stderr
    packed = tmp_path / "feed.jsonl.gz"
    packed.write_bytes(gzip.compress((lines[1] + "\n").encode()))
    assert json.loads(run("normalize", "--text-field", "body", packed).stdout)["body"] == "hòa"


def test_segment_and_normalize_read_csv_rows(tmp_path: Path) -> None:
    table = tmp_path / "articles.csv"
    table.write_text(
        'id,body,source\na,"Hà Nội\nHo\u0300a bình",x\nb\nc,Thủ đô,y\n', encoding="utf-8"
    )
    segmented = run("segment", "--model", TINY_LEXICON, "--text-field", "body", table)
    assert segmented.exit_code == 1  # the short row is named, the others written
    assert segmented.stdout == "Hà_Nội\nHòa bình\n\nThủ_đô\n\n"
    assert f"{table}:4: 1 field where the header names 3" in segmented.stderr
    normalized = run("normalize", "--text-field", "body", table)
    assert [json.loads(line) for line in normalized.stdout.splitlines()] == [
        {"id": "a", "body": "Hà Nội\nHòa bình", "source": "x"},
        {"id": "c", "body": "Thủ đô", "source": "y"},
    ]


def test_a_dash_is_standard_input(tmp_path: Path) -> None:
    piped = run("segment", "--model", TINY_LEXICON, "-", stdin="Hà Nội\n")
    assert piped.exit_code == 0 and piped.stdout == "Hà_Nội\n"
    assert run("normalize", "-", stdin="Ho\u0300a\n").stdout == "Hòa\n"
    (tmp_path / "a.txt").write_text("Hà Nội", encoding="utf-8")
    for command in ("segment", "normalize"):
        mixed = run(command, "-", tmp_path / "a.txt", stdin="x\n")
        assert mixed.exit_code == 2
        assert "cannot be given with files" in mixed.output


def test_corpus_names_its_bad_inputs_on_stderr(tmp_path: Path) -> None:
    # The first ten, as tachtu segment names its bad files; errors.jsonl holds them all.
    feed = tmp_path / "feed.jsonl"
    lines = ['{"id": "ok", "text": "Hà Nội"}'] + [
        f'{{"id": "bad{k}", "text": 7}}' for k in range(12)
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("corpus", feed, tmp_path / "missing.txt", "--out", out, "--workers", "0")
    assert result.exit_code == 1
    assert "13 errors, listed in" in result.stdout
    named = [line for line in result.stderr.splitlines() if line.startswith("tachtu: error: ")]
    assert named[0] == f"tachtu: error: {tmp_path / 'missing.txt'}: no such file or folder"
    assert named[1] == f"tachtu: error: {feed}:2 (document bad0): field 'text' is int, not a string"
    assert len(named) == 10
    assert result.stderr.splitlines()[-1] == f"tachtu: … and 3 more in {out / 'errors.jsonl'}"
    assert len((out / "errors.jsonl").read_text("utf-8").splitlines()) == 13
