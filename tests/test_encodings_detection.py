"""Detection and mojibake repair in tachtu.encodings, on fixture files and inline cases."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tachtu.encodings import decode, detect, detection, encode, repair_mojibake

FIXTURES = Path(__file__).parent / "data" / "encodings"
NOTICE = (FIXTURES / "notice.expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "encoding", "changes"),
    [
        ("notice.expected.txt", "utf-8", {}),
        ("notice.utf-8-nfd.txt", "utf-8", {"composed": 66}),
        ("notice.tcvn3.txt", "tcvn3", {"case_restored": 6}),
        ("notice.vni.txt", "vni", {}),
        ("notice.viscii.txt", "viscii", {}),
        ("notice.cp1258.txt", "cp1258", {}),
        ("notice.viqr.txt", "viqr", {}),
        # UTF-8 read as Latin-1, and TCVN3 read as Windows-1252, each saved again as UTF-8.
        ("notice.utf-8-mojibake.txt", "utf-8", {"mojibake": 49}),
        ("notice.tcvn3-as-cp1252.txt", "utf-8", {"mojibake": 49, "case_restored": 6}),
    ],
)
def test_fixture_is_detected_and_decoded(fixture, encoding, changes):
    data = (FIXTURES / fixture).read_bytes()
    detection = detect(data)
    assert detection.encoding == encoding
    assert detection.confidence >= 0.8
    assert detection.reason
    assert detection.candidates[0][0] == encoding
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.detected) == (NOTICE, encoding, True)
    assert (decoded.confidence, decoded.reason) == (detection.confidence, detection.reason)
    assert decoded.changes == changes


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"", "ascii"),
        (b"Viet Nam la mot dat nuoc.", "ascii"),  # no marks: not VIQR
        (b"I'm sure we're fine, e.g. Mr. Smith's car.", "ascii"),
        (b"Ca'c ba.n co' khoe? kho^ng?", "viqr"),
        (b"DDa^y la` Vie^.t Nam", "viqr"),
        (codecs.BOM_UTF8 + b"Viet", "utf-8"),
        ("Đây là “Việt Nam” – ok".encode(), "utf-8"),
        ("“Hello” – world…".encode(), "utf-8"),
        ("Tiếng Việt".encode() + b"\xff" + "có dấu, đúng không các bạn".encode(), "utf-8"),
        ("Vie^.t Nam “quê hương” tôi".encode(), "utf-8"),  # Unicode letters win over VIQR marks
        ("“Vie^.t Nam que^ hu+o+ng to^i”".encode(), "viqr"),  # VIQR saved as UTF-8
        ("Việt Nam".encode("utf-16"), "utf-16"),  # as Windows Notepad saves "Unicode"
        (codecs.BOM_UTF16_BE + "Việt".encode("utf-16-be"), "utf-16"),
    ],
)
def test_detect_inline(data, encoding):
    assert detect(data).encoding == encoding


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "cp1258", "viqr"])
@pytest.mark.parametrize(
    "sentence",
    [
        "Hà Nội là thủ đô của nước Cộng hòa xã hội chủ nghĩa Việt Nam.",
        "Giá xăng dầu tăng mạnh trong tuần qua khiến nhiều người lo lắng.",
        "Đội tuyển bóng đá giành chiến thắng thuyết phục trước đối thủ.",
    ],
)
def test_detect_one_sentence(encoding, sentence):
    data = encode(sentence, encoding)
    assert detect(data).encoding == encoding
    assert decode(data).text == sentence


def test_detection_reads_only_a_sample_of_long_input():
    data = encode("Người dân được hỏi ý kiến.\n", "vni") * 20_000
    detection = detect(data)
    assert detection.encoding == "vni"
    assert detection.confidence > 0.99


@pytest.mark.parametrize(
    ("text", "repaired", "count"),
    [
        ("Viá»‡t Nam", "Việt Nam", 1),
        ("Tiáº¿ng Viá»‡t, Ä‘á»™c láº\xadp", "Tiếng Việt, độc lập", 5),
        ("â€œXin chÃ\xa0oâ€\x9d", "“Xin chào”", 3),  # read as Latin-1: the C1 byte 0x9D survives
        ("Ä?Ã\xa0 Náºµng", "Đà Nẵng", 3),  # 0x90 lost to "?": only Đ fits
        ("HiÃ¡Â»â€¡n tÃ¡ÂºÂ¡i", "Hiện tại", 2),  # misread twice
        ("Ă\xa0 Nẵng", "à Nẵng", 1),  # read as Windows-1258
        ("Th«ng tin vÒ ViÖt Nam", "Thông tin về Việt Nam", 3),  # TCVN3 read as Latin-1
        ("Thoâng tin veà Vieät Nam", "Thông tin về Việt Nam", 3),  # VNI read as Latin-1
        # Clean text stays as it is.
        ("Việt Nam, Đà Nẵng, Ông Ơ…", "Việt Nam, Đà Nẵng, Ông Ơ…", 0),
        ("NGÃ BA, XÃ HỘI, GÌ…", "NGÃ BA, XÃ HỘI, GÌ…", 0),
        ("“NGÃ” XÃ\xa0HỘI", "“NGÃ” XÃ\xa0HỘI", 0),  # Ã before ” or NBSP: clean in capitals
        ("nhÃ\xa0 tÃ´i", "nhà tôi", 2),  # but not after a small letter
        ("Thomas Müller, Ärger, 25°C, ©2024", "Thomas Müller, Ärger, 25°C, ©2024", 0),
        ("Ä", "Ä", 0),
    ],
)
def test_repair_mojibake(text, repaired, count):
    assert repair_mojibake(text) == (repaired, count)


def test_mojibake_that_lost_a_byte_is_reported():
    # ờ is E1 BB 9D; Windows-1252 has no 0x9D, so it came out as "?", and ề, ọ, ỏ fit as well.
    text = "Ngư" + "ờ".encode().decode("cp1252", "replace").replace("\ufffd", "?") + "i"
    decoded = decode(text.encode())
    assert decoded.text == "Ngưá»?i"
    assert decoded.changes == {"mojibake_unrepaired": 1}


SAMPLES = sorted((Path(__file__).parent / "data" / "corpus" / "news" / "2017").glob("*.txt"))


@pytest.mark.parametrize("encoding", ["utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr"])
def test_quick_answer_for_clean_utf8_is_the_full_comparison(encoding, monkeypatch) -> None:
    # Clean Vietnamese UTF-8 is answered without reading the bytes every way; whatever the text,
    # the answer must be the one the full comparison of readings gives.
    texts = [NOTICE, *(path.read_text(encoding="utf-8") for path in SAMPLES)]
    texts += [line for text in texts for line in text.splitlines() if line.strip()]
    data = [encode(text, encoding, errors="replace") for text in texts]
    quick = [detect(d).encoding for d in data]
    monkeypatch.setattr(detection, "_clean_vietnamese_utf8", lambda text, multibyte: None)
    assert quick == [detect(d).encoding for d in data]


def test_clean_utf8_takes_the_quick_answer() -> None:
    found = detect(NOTICE.encode("utf-8"))
    assert found.encoding == "utf-8" and found.candidates == (found.candidates[0],)
    assert "Vietnamese letters" in found.reason
