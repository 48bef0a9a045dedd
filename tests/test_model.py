"""The perceptron word model: shipped model behaviour, compiled/pure-Python parity, training,
user dictionaries, pickling."""

from __future__ import annotations

import gzip
import json
import pickle
import random

import numpy as np
import pytest

from tachtu.model import WordModel, load_model, perceptron
from tachtu.model.features import syllable_shape
from tachtu.model.gold import GoldFileError, gold_lines, labeled_units
from tachtu.model.perceptron import PerceptronModel, compiled_core_available
from tachtu.model.training import main as training_main
from tachtu.model.training import parse_templates, train
from tachtu.syllables import split_syllables

needs_core = pytest.mark.skipif(not compiled_core_available(), reason="C extension not built")

SENTENCES = [
    "Thủ tướng Nguyễn Xuân Phúc đã đến thăm Thành phố Hồ Chí Minh vào sáng nay.",
    "hà nội là thủ đô của nước cộng hoà xã hội chủ nghĩa việt nam",
    "Giá vàng tăng 1.000 đồng, lên 36,5 triệu đồng/lượng (theo SJC).",
    "Ông Vladimir Putin phát biểu tại Điện Kremlin: “Chúng tôi sẵn sàng đối thoại”.",
    "Uỷ ban nhân dân TP.HCM vừa ban hành quyết định về quy hoạch đô thị",
    "Học sinh học sinh học ở trường trung học phổ thông",
    "COVID-19 lây lan nhanh, WHO khuyến cáo đeo khẩu trang; xem https://who.int/vi.",
    # formal register: a second copy of the features fires (see train's register_text)
    "Uỷ ban thường vụ Quốc hội giám sát việc thi hành Hiến pháp và pháp luật của các cơ quan.",
    "Hội nhập kinh tế quốc tế đòi hỏi cải cách thể chế và nâng cao năng lực cạnh tranh.",
]


@pytest.fixture(scope="module")
def shipped() -> PerceptronModel:
    return PerceptronModel.load()


def words(model, text: str) -> list[str]:
    units = split_syllables(text)
    flags = model.joins(units)
    out: list[str] = []
    for unit, joined in zip(units, flags, strict=True):
        if joined:
            out[-1] += "_" + unit
        else:
            out.append(unit)
    return out


def test_load_model_gives_the_perceptron(shipped):
    model = load_model()
    assert isinstance(model, WordModel)
    assert isinstance(model, PerceptronModel)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội là thủ đô", ["Hà_Nội", "là", "thủ_đô"]),
        ("hà nội là thủ đô", ["hà_nội", "là", "thủ_đô"]),
        ("Chính phủ ban hành nghị định", ["Chính_phủ", "ban_hành", "nghị_định"]),
        ("Hôm nay trời đẹp .", ["Hôm_nay", "trời", "đẹp", "."]),
        ("sinh viên đại học", ["sinh_viên", "đại_học"]),
    ],
)
def test_shipped_model_segments_common_words(shipped, text, expected):
    assert words(shipped, text) == expected


def test_both_tone_mark_styles_and_cases_segment_alike(shipped):
    variants = ["hoà bình thuỷ lợi", "hòa bình thủy lợi", "HOÀ BÌNH THUỶ LỢI", "Hòa Bình Thủy Lợi"]
    flags = [shipped.joins(v.split()) for v in variants]
    assert all(f == flags[0] for f in flags[:2])
    assert flags[0] == [False, True, False, True]


def test_joins_contract_edge_cases(shipped):
    assert shipped.joins([]) == []
    assert shipped.joins(["Hà"]) == [False]
    assert shipped.joins_batch([]) == []
    assert shipped.joins_batch([[], ["thủ", "đô"]]) == [[], [False, True]]
    assert shipped.joins(("thủ", "đô")) == [False, True]


def test_first_flag_is_false_and_lengths_match(shipped):
    for sentence in SENTENCES:
        units = split_syllables(sentence)
        flags = shipped.joins(units)
        assert len(flags) == len(units)
        assert flags[0] is False


def test_one_very_long_line(shipped):
    text = " ".join(SENTENCES) + " "
    units = split_syllables(text * 300)
    flags = shipped.joins(units)
    assert len(flags) == len(units) > 20_000
    # The decisions depend on a bounded window, so a repeated text segments the same each time.
    period = len(split_syllables(text))
    assert flags[period : 2 * period] == flags[2 * period : 3 * period]


def test_deterministic_across_loads(shipped):
    batch = [split_syllables(s) for s in SENTENCES]
    assert shipped.joins_batch(batch) == PerceptronModel.load().joins_batch(batch)
    assert shipped.joins_batch(batch) == [shipped.joins(units) for units in batch]


def test_rejects_non_string_syllables(shipped):
    with pytest.raises(TypeError):
        shipped.joins(["thủ", 3])


@needs_core
def test_compiled_and_pure_python_agree(shipped):
    python = PerceptronModel.load(pure_python=True)
    assert python.pure_python and not shipped.pure_python
    batch = [split_syllables(s) for s in SENTENCES]
    # Random runs of known and unknown units exercise features that real text rarely reaches.
    rng = random.Random(7)
    pool = [u for units in batch for u in units] + ["Xyzq", "ÁÂ", "123", "qwe", "…"]
    batch += [[rng.choice(pool) for _ in range(rng.randrange(1, 40))] for _ in range(60)]
    assert python.joins_batch(batch) == shipped.joins_batch(batch)


@needs_core
def test_weights_rounded_or_not_the_core_agrees_with_its_twin(shipped, monkeypatch):
    # A model quantizes its weights to 16-bit integers as it loads, and the compiled core keeps
    # them as such; given other float32 weights it reads those. Each way it agrees with the twin.
    batch = [split_syllables(s) for s in SENTENCES]
    rng = random.Random(11)
    pool = [u for units in batch for u in units] + ["Xyzq", "ÁÂ", "123", "…"]
    batch += [[rng.choice(pool) for _ in range(rng.randrange(1, 40))] for _ in range(60)]
    assert np.array_equal(shipped._weights, np.rint(shipped._weights))
    monkeypatch.setattr(perceptron, "quantized", lambda v: np.asarray(v, dtype=np.float32))
    full = PerceptronModel(shipped._arrays)
    assert not np.array_equal(full._weights, np.rint(full._weights))
    assert full.joins_batch(batch) == PerceptronModel(
        shipped._arrays, pure_python=True
    ).joins_batch(batch)
    pairs = zip(full.joins_batch(batch), shipped.joins_batch(batch), strict=True)
    changed = sum(a != b for a, b in pairs)
    assert changed <= len(batch) // 20  # rounding moves few decisions


@needs_core
def test_chunks_kept_when_a_full_chunk_table_is_pruned_still_segment_right(shipped):
    # Past 2^17 chunks the core keeps those it met again and frees the rest: the lines after
    # many prunings, whose common chunks come from the kept ones, must segment as the pure-Python
    # core (no table) does.
    common = "Hà Nội là thủ đô của Việt Nam , các bộ , ngành đã họp ."
    lines = [f"{common} x{i}a x{i}b x{i}c x{i}d x{i}e" for i in range(60_000)]
    lines += [common, "Việt Nam , Hà Nội .", *lines[-50:]]
    split = str.split  # a callable of its own: a table of its own
    compiled = shipped.segment_lines(lines, "_", split, True)
    assert shipped._core.segment_lines(lines[-60:], "_", split) == compiled[0][-60:]
    python = PerceptronModel.load(pure_python=True)
    assert python.segment_lines(lines[-60:], "_", split) == compiled[0][-60:]
    data, *counts = shipped.write_lines(lines, "_", split, [len(lines)], b"")
    assert data.decode().splitlines() == compiled[0] and counts == list(compiled[1:])


@pytest.mark.parametrize("pure_python", [False, True])
def test_written_lines_must_be_counted_right(shipped, pure_python):
    model = PerceptronModel.load(pure_python=True) if pure_python else shipped
    lines = ["Hà Nội", "mưa"]
    for groups in ([1], [3], [-1, 3], [1, 2]):
        with pytest.raises(ValueError):
            model.write_lines(lines, "_", str.split, groups, b"")
    assert model.write_lines(lines, "_", str.split, [0, 2, 0], b"|") == (
        "|Hà_Nội\nmưa\n||".encode(),
        2,
        2,
        2,
        3,
    )


@pytest.mark.parametrize("pure_python", [False, True])
def test_whole_texts_are_written_as_their_lines(shipped, pure_python):
    # groups None: the model cuts each text into lines itself, as str.split("\n") does.
    model = PerceptronModel.load(pure_python=True) if pure_python else shipped
    texts = ["Hà Nội mưa.\n\nGió to.", "", "\n", "Nắng.\n", "Mưa to . Gió lớn !\nx\ny"]
    lines = [line for text in texts for line in text.split("\n")]
    groups = [text.count("\n") + 1 for text in texts]
    for sentence_lines in (False, True):
        expected = model.write_lines(lines, "_", str.split, groups, b"|", sentence_lines)
        assert model.write_lines(texts, "_", str.split, None, b"|", sentence_lines) == expected
    if pure_python:
        return  # it keeps no table of chunks
    # Past 2^17 chunks the table is pruned between the lines of one text too.
    common = "Hà Nội là thủ đô của Việt Nam , các bộ , ngành đã họp ."
    many = [f"{common} x{i}a x{i}b x{i}c x{i}d x{i}e" for i in range(30_000)]
    texts = ["\n".join(many[:20_000]), "\n".join(many[20_000:]), common]
    lines = [line for text in texts for line in text.split("\n")]
    split = str.split  # a callable of its own: a table of its own
    written = model.write_lines(texts, "_", split, None, b"")
    assert written == model.write_lines(lines, "_", str.split.__call__, [len(lines)], b"")


@needs_core
def test_lines_that_are_no_str_are_refused(shipped):
    with pytest.raises(TypeError, match="lines must be str, not int"):
        shipped.segment_lines(["Hà Nội", 1], "_", str.split)
    with pytest.raises(TypeError, match="lines must be str, not int"):
        shipped.write_lines(["Hà Nội", 1], "_", str.split, [2], b"")
    with pytest.raises(TypeError, match="texts must be str, not int"):
        shipped.write_lines(["Hà Nội", 1], "_", str.split, None, b"")


def _masks_by_kind(chunk: str) -> str:
    """The masked classes of a chunk's units, the Python way (tachtu.formats)."""
    from tachtu.formats import _MASKS
    from tachtu.syllables import chunk_units

    return "".join(_MASKS.get(kind, " ") for kind in chunk_units(chunk)[1])


MASKED_TEXTS = [
    *SENTENCES,
    'Giá tăng 5% (theo ông A). Dân lo: "Sao vậy?"\n\nMưa!!! [1] - Gió, (to).',
    'Mưa. ". - Gió. ( . Mưa',  # a sentence of marks only, between two that end in one
    "1.000 người, 3,5 tỷ, 50% - 67/2014/NĐ-CP, 29A-123.45 và VTV1 (U23).",
    "",
    "\n",
]


@pytest.mark.parametrize("pure_python", [False, True])
@pytest.mark.parametrize("split_name", ["quick", "plain"])
def test_masked_lines_are_the_same_from_both_cores(shipped, pure_python, split_name):
    # The compiled core classes the chunks it splits itself (quick) and asks masks_of for the
    # others; the pure-Python core asks masks_of for every chunk. Whole texts and lines with
    # groups give the same bytes.
    from tachtu.words import _split_chunk

    model = PerceptronModel.load(pure_python=True) if pure_python else shipped
    split = _split_chunk("keep") if split_name == "quick" else str.split
    texts = (
        MASKED_TEXTS
        if split_name == "quick"
        else [" ".join(split_syllables(t)) for t in MASKED_TEXTS]
    )
    lines = [line for text in texts for line in text.split("\n")]
    groups = [text.count("\n") + 1 for text in texts]
    masks_of = _masks_by_kind if split_name == "quick" else lambda chunk: _masks_by_kind(chunk)[:1]
    written = model.write_lines(texts, "_", split, None, b"|", False, masks_of)
    assert written == model.write_lines(lines, "_", split, groups, b"|", False, masks_of)
    reference = PerceptronModel.load(pure_python=True)
    assert written == reference.write_lines(texts, "_", split, None, b"|", False, masks_of)
    data = written[0].decode()
    assert "Mưa 7 . . 7 Gió 7 . 6 7 . Mưa.\n" in data
    if split_name == "quick":
        assert "Giá tăng 1 6 theo ông A 6 7 . Dân lo 7 Sao vậy 7.\n" in data
        assert "1 người 7 1 tỷ 7 1 7 1 7 1 và VTV1 6 U23 6 7.\n" in data


@pytest.mark.parametrize("pure_python", [False, True])
def test_masks_of_is_checked(shipped, pure_python):
    model = PerceptronModel.load(pure_python=True) if pure_python else shipped
    for bad in (lambda chunk: "", lambda chunk: "x", lambda chunk: None):
        # a split callable of its own: the core remembers the classes of the chunks of each
        # split callable with their units, and asks masks_of only for chunks it has not met
        split = str.split.__call__
        with pytest.raises(ValueError, match="masks_of must give one of ' 167'"):
            model.write_lines(["Mưa to"], "_", split, None, b"", False, bad)
    with pytest.raises(ValueError, match="no sentence lines"):
        model.write_lines(["Mưa to"], "_", str.split, None, b"", True, _masks_by_kind)


def test_pickle_round_trip(shipped):
    model = shipped.with_user_dictionary(["học_sinh_học"])
    again = pickle.loads(pickle.dumps(model))
    units = split_syllables(SENTENCES[5])
    assert again.joins(units) == model.joins(units)
    assert again.user_phrases == ["học_sinh_học"]


def test_shipped_model_pickles_small_and_others_whole(shipped, tmp_path):
    # A worker loads the shipped model itself; a model from a file or from training travels
    # whole, as the file may change or be gone by the time the worker starts.
    assert len(pickle.dumps(shipped.with_user_dictionary(["học_sinh_học"]))) < 1000
    shipped.save(tmp_path / "model.npz")
    from_file = PerceptronModel.load(tmp_path / "model.npz")
    assert len(pickle.dumps(from_file)) > 1_000_000
    again = pickle.loads(pickle.dumps(from_file))
    units = split_syllables(SENTENCES[5])
    assert again.joins(units) == from_file.joins(units) == shipped.joins(units)


def test_a_process_with_another_shipped_model_refuses_it(shipped):
    state = shipped.__reduce__()
    load, (digest, *rest) = state
    with pytest.raises(RuntimeError, match="install the same tachtu everywhere"):
        load("0" * 64, *rest)
    assert load(digest, *rest).joins(["Hà", "Nội"]) == shipped.joins(["Hà", "Nội"])


@pytest.mark.parametrize("pure_python", [False, True])
def test_user_dictionary_forces_joins_and_splits(shipped, pure_python):
    if not pure_python and not compiled_core_available():
        pytest.skip("C extension not built")
    model = load_model(
        user_dictionary=["thủ đô", "Xyzq_Abcd  # a made-up name", "phạt trực_tiếp_x"]
    )
    if pure_python:
        model = PerceptronModel(model._arrays, user_dictionary=model.user_phrases, pure_python=True)
    assert words(shipped, "Hà Nội là thủ đô") == ["Hà_Nội", "là", "thủ_đô"]
    assert words(model, "Hà Nội là thủ đô") == ["Hà_Nội", "là", "thủ", "đô"]
    # unknown syllables, any case, still match; only inner boundaries are forced
    assert words(model, "ông XYZQ abcd đến") == ["ông", "XYZQ_abcd", "đến"]
    assert words(model, "phạt trực tiếp x") == ["phạt", "trực_tiếp_x"]


@pytest.mark.parametrize("pure_python", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Left to itself, the model wrote "EU_.", "IS_." and "Minh_/" here.
        ("Cảnh sát EU. Ông nói", ["Cảnh_sát", "EU", ".", "Ông", "nói"]),
        ("Tổ chức IS. Sau đó", ["Tổ_chức", "IS", ".", "Sau", "đó"]),
        ("Trần Minh/TTXVN", ["Trần_Minh", "/", "TTXVN"]),
        ("tăng 15. Sau đó", ["tăng", "15", ".", "Sau", "đó"]),
        # A dot after letters may end a word: the gold's lower-case abbreviations and initials.
        ("đại học Kinh tế tp. HCM", ["đại_học", "Kinh_tế", "tp_.", "HCM"]),
        ("chị Nguyễn Thị Ng. nói", ["chị", "Nguyễn_Thị_Ng_.", "nói"]),
        # but not after two letters that spell a syllable, where it is a full stop: the model
        # wrote "Hạ_Vi_." and "sư_." (the gold has no "Vi." or "sư.").
        ("hẹn hò Hạ Vi. Gần đây", ["hẹn_hò", "Hạ_Vi", ".", "Gần", "đây"]),
        ("của nhà sư. Ông", ["của", "nhà_sư", ".", "Ông"]),
        # but not after a slash, where the letters are a unit of measure: the model wrote "l_.".
        (
            "tiêu thụ 47,4 km/l. Đứng thứ ba",
            ["tiêu_thụ", "47,4", "km", "/", "l", ".", "Đứng", "thứ", "ba"],
        ),
        ("tốc độ 15m/s. Ở các đảo", ["tốc_độ", "15m", "/", "s", ".", "Ở", "các", "đảo"]),
    ],
)
def test_a_mark_joins_no_word_but_a_dot_after_letters(shipped, pure_python, text, expected):
    if not pure_python and not compiled_core_available():
        pytest.skip("C extension not built")
    model = PerceptronModel.load(pure_python=True) if pure_python else shipped
    assert words(model, text) == expected


def test_labeled_units_follow_gold_words():
    units, labels = labeled_units("Ông Nguyễn_Văn_A ở TP.HCM , 50% dân_số")
    assert units == ["Ông", "Nguyễn", "Văn", "A", "ở", "TP.HCM", ",", "50%", "dân", "số"]
    assert labels == [0, 0, 1, 1, 0, 0, 0, 0, 0, 1]


def test_gold_lines_reads_conllu(tmp_path):
    path = tmp_path / "gold.conllu"
    path.write_text(
        "# sent_id = 1\n1\tHà Nội\t_\n2\tđẹp\t_\n\n1\tTôi\t_\n2-3\tx\t_\n2\tđi\t_\n", "utf-8"
    )
    assert gold_lines(path) == ["Hà_Nội đẹp", "Tôi đi"]


def test_gold_lines_reads_conll_x_by_its_name_or_its_rows(tmp_path):
    rows = "1\tHà_Nội\tHà_Nội\tNp\tNp\t_\t2\tsub\t_\t_\n2\tđẹp\tđẹp\tA\tA\t_\t0\troot\t_\t_\n"
    for name in ("vndt.conll", "vndt.txt"):
        (tmp_path / name).write_text(rows + "\n" + rows, "utf-8")
        assert gold_lines(tmp_path / name) == ["Hà_Nội đẹp", "Hà_Nội đẹp"]
    # text whose first word is a number is still text
    (tmp_path / "gold.txt").write_text("1 người_dân\n", "utf-8")
    assert gold_lines(tmp_path / "gold.txt") == ["1 người_dân"]


def test_gold_lines_reads_gzipped_files(tmp_path):
    conllu = "# sent_id = 1\n1\tHà Nội\t_\n2\tđẹp\t_\n\n"
    (tmp_path / "gold.conllu.gz").write_bytes(gzip.compress(conllu.encode()))
    (tmp_path / "gold.txt.gz").write_bytes(gzip.compress("Hà_Nội đẹp\n\nTôi đi\n".encode()))
    assert gold_lines(tmp_path / "gold.conllu.gz") == ["Hà_Nội đẹp"]
    assert gold_lines(tmp_path / "gold.txt.gz") == ["Hà_Nội đẹp", "Tôi đi"]


def test_gold_lines_reads_zstd_files_of_several_frames(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    compress = zstandard.ZstdCompressor().compress
    conllu = "1\tHà Nội\t_\n2\tđẹp\t_\n\n"
    (tmp_path / "gold.conllu.zst").write_bytes(compress(conllu.encode()) * 2)
    (tmp_path / "gold.txt.zst").write_bytes(compress("Hà_Nội đẹp\n".encode()))
    assert gold_lines(tmp_path / "gold.conllu.zst") == ["Hà_Nội đẹp", "Hà_Nội đẹp"]
    assert gold_lines(tmp_path / "gold.txt.zst") == ["Hà_Nội đẹp"]
    (tmp_path / "bad.txt.zst").write_bytes(b"not zstd")
    with pytest.raises(GoldFileError, match=r"bad\.txt\.zst: not zstd"):
        gold_lines(tmp_path / "bad.txt.zst")


def test_training_command_names_the_gold_file_and_line_it_cannot_read(tmp_path, capsys):
    (tmp_path / "gold.txt").write_text("Hà_Nội là thủ_đô .\n", "utf-8")
    (tmp_path / "bad.txt").write_bytes("Hà_Nội .\n".encode() + b"th\xff .\n")
    argv = ["--data", str(tmp_path), "--train", "gold.txt", "bad.txt", "--dev", "--no-save"]
    assert training_main(argv) == 1
    message = capsys.readouterr().err.splitlines()[-1]
    assert f": error: {tmp_path / 'bad.txt'}:2: invalid UTF-8 at byte 14" in message
    (tmp_path / "plain.txt.gz").write_text("Hà_Nội .\n", "utf-8")
    assert training_main([*argv[:3], "plain.txt.gz", "--dev", "--no-save"]) == 1
    assert f"{tmp_path / 'plain.txt.gz'}: not gzip" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("unit", "shape"),
    [
        ("nội", 0),
        ("Nội", 1),
        ("A", 1),
        ("UBND", 2),
        ("2013", 3),
        (",", 4),
        ("email", 5),
        ("Putin", 6),
        ("iPhone", 6),
        ("TP.", 7),
        ("TP.Hà", 7),
    ],
)
def test_syllable_shapes(unit, shape):
    assert syllable_shape(unit) == shape


def test_parse_templates():
    full = parse_templates("")
    assert parse_templates("1,3-4") == full & ~0b11010


@needs_core
def test_tiny_training_run_learns_and_round_trips(tmp_path):
    gold = ["Hà_Nội là thủ_đô .", "Học_sinh đi học .", "Thủ_đô Hà_Nội đẹp ."] * 20
    model, report = train(gold, epochs=3, folds=2, weight_bits=16, dev={"self": gold[:3]})
    assert report.sentences == 60 and report.dev["self"] == 100.0
    assert words(model, "Học sinh ở Hà Nội") == ["Học_sinh", "ở", "Hà_Nội"]
    path = tmp_path / "tiny.npz"
    model.save(path)
    loaded = load_model(path)
    assert isinstance(loaded, PerceptronModel)
    assert loaded.joins(["thủ", "đô"]) == [False, True]
    again, _ = train(gold, epochs=3, folds=2, weight_bits=16)
    assert again.joins_batch([split_syllables(g.replace("_", " ")) for g in gold]) == (
        model.joins_batch([split_syllables(g.replace("_", " ")) for g in gold])
    )


@needs_core
def test_models_hashed_with_mix64_still_load_and_segment_alike(tmp_path):
    # Files of format 2 hash their features with mix64 (feature hash 1); format 3 files with one
    # multiplication. Both kinds load, and the compiled core and its Python twin agree on each.
    gold = ["Hà_Nội là thủ_đô .", "Học_sinh đi học .", "Thủ_đô Hà_Nội đẹp ."] * 20
    batch = [split_syllables(g.replace("_", " ")) for g in gold[:3]] + [["Hà", "Nội", "học"]]
    for feature_hash, version in ((1, 2), (2, 3)):
        model, _ = train(gold, epochs=3, folds=2, weight_bits=16, feature_hash=feature_hash)
        path = tmp_path / f"hash{feature_hash}.npz"
        model.save(path)
        loaded = PerceptronModel.load(path)
        assert int(loaded._arrays["format_version"]) == version
        assert ("feature_hash" in loaded._arrays) == (feature_hash == 2)
        assert words(loaded, "Học sinh ở Hà Nội") == ["Học_sinh", "ở", "Hà_Nội"]
        python = PerceptronModel(loaded._arrays, pure_python=True)
        assert python.joins_batch(batch) == loaded.joins_batch(batch)


@pytest.mark.parametrize("pure_python", [False, True])
def test_an_unknown_feature_hash_is_refused(shipped, pure_python):
    if not pure_python and not compiled_core_available():
        pytest.skip("C extension not built")
    arrays = {**shipped._arrays, "feature_hash": np.array(3, dtype=np.int32)}
    with pytest.raises(ValueError, match="feature_hash 3"):
        PerceptronModel(arrays, pure_python=pure_python)


@needs_core
def test_punctuation_augment_trains_copies_without_marks():
    gold = ["Hà_Nội , thủ_đô .", "Học_sinh đi học ."] * 10
    _, plain = train(gold, epochs=1, folds=2, weight_bits=16)
    _, augmented = train(gold, epochs=1, folds=2, weight_bits=16, punctuation_augment=0.5)
    # about half the sentences again, each of the four syllables of its words and no mark
    assert plain.sentences == 20 and 25 <= augmented.sentences <= 35
    assert augmented.syllables - plain.syllables == 4 * (augmented.sentences - plain.sentences)


@needs_core
def test_formal_register_learns_its_own_convention():
    # The same name is one word in legal writing and three in the news: the register, told by
    # the line's other syllables, lets one model keep both conventions.
    formal = ["Hiến_pháp quy_định quyền của Uỷ_ban_thường_vụ_Quốc_hội ."] * 20
    news = ["Chiều qua , trời mưa to khi Uỷ_ban thường_vụ Quốc_hội họp ."] * 20
    model, _ = train(formal + news, epochs=5, folds=2, weight_bits=16, register_text=formal[:1])
    assert "register_scores" in model._arrays
    legal = "Hiến pháp quy định quyền của Uỷ ban thường vụ Quốc hội ."
    rainy = "Chiều qua, trời mưa to khi Uỷ ban thường vụ Quốc hội họp."
    assert "Uỷ_ban_thường_vụ_Quốc_hội" in words(model, legal)
    assert "Uỷ_ban" in words(model, rainy)
    python = PerceptronModel(model._arrays, pure_python=True)
    batch = [split_syllables(legal), split_syllables(rainy)]
    assert python.joins_batch(batch) == model.joins_batch(batch)
    plain, _ = train(formal + news, epochs=5, folds=2, weight_bits=16)
    assert "register_scores" not in plain._arrays


@needs_core
def test_training_command_on_other_data_goes_without_the_register(tmp_path):
    (tmp_path / "gold.txt").write_text("Hà_Nội là thủ_đô .\nHọc_sinh đi học .\n" * 5, "utf-8")
    output = tmp_path / "model.npz"
    argv = ["--data", str(tmp_path), "--train", "gold.txt", "--dev", "--folds", "2"]
    assert training_main([*argv, "--epochs", "2", "--output", str(output)]) == 0
    assert "register_scores" not in PerceptronModel.load(output)._arrays


def test_training_command_names_missing_files_before_it_starts(tmp_path, capsys):
    (tmp_path / "gold.txt").write_text("Hà_Nội là thủ_đô .\n", "utf-8")
    argv = ["--data", str(tmp_path), "--train", "gold.txt", "nope.txt", "--dev", "dev.txt"]
    with pytest.raises(SystemExit) as stopped:
        training_main([*argv, "--register-text", "essays.txt:0-10", "--no-save"])
    assert stopped.value.code == 2
    message = capsys.readouterr().err.splitlines()[-1]
    missing = ", ".join(
        f"{name} (nor {tmp_path / name})" for name in ("nope.txt", "dev.txt", "essays.txt")
    )
    assert message.endswith(f"no such file: {missing}")


def test_training_reads_a_file_named_from_the_working_directory(tmp_path, monkeypatch, capsys):
    # A user's own gold is found where it is named from; the default names under --data.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "gold.txt").write_text("Hà_Nội là thủ_đô .\n" * 3, "utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dev.txt").write_text("Hà_Nội mưa .\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    argv = ["--data", "data", "--train", "mine/gold.txt", "--dev", "dev.txt", "--no-save"]
    assert training_main([*argv, "--epochs", "1", "--folds", "2", "--weight-bits", "16"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sentences"] >= 3 and "dev.txt" in report["dev"]
