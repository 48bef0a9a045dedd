from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tachtu.sentences import count_sentences, sentence_spans, sentences
from tachtu.syllables import syllables

from .conftest import shared_path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mưa to. Gió lớn! Sao vậy?", ["Mưa to.", "Gió lớn!", "Sao vậy?"]),
        ("Ông ở TP. HCM và Q. 1 từ năm 2004.", ["Ông ở TP. HCM và Q. 1 từ năm 2004."]),
        ("Giá 1.000 đồng. Sau đó tăng 3,5%.", ["Giá 1.000 đồng.", "Sau đó tăng 3,5%."]),
        # The dot inside a number with its unit glued on ends nothing.
        ("Dài 4.000km, giá 400.000đ. Hết.", ["Dài 4.000km, giá 400.000đ.", "Hết."]),
        ("Nhà ở P.4, Q.3. Đội U.23 thắng.", ["Nhà ở P.4, Q.3.", "Đội U.23 thắng."]),
        ("Bản v3.0 ra ngày 14-18.5. Hết.", ["Bản v3.0 ra ngày 14-18.5.", "Hết."]),
        ("Chờ... rồi đi. Hết.", ["Chờ... rồi đi.", "Hết."]),
        ("Chờ... Rồi đi.", ["Chờ...", "Rồi đi."]),
        (
            'Ông nói: "Tôi đồng ý. Họ cũng vậy". Sau đó về.',
            ['Ông nói: "Tôi đồng ý.', 'Họ cũng vậy".', "Sau đó về."],
        ),
        ('"Xong rồi." "Chưa đâu."', ['"Xong rồi."', '"Chưa đâu."']),
        (
            "Anh Nguyễn V. A. đã đến. Chị B. cũng vậy.",
            ["Anh Nguyễn V. A. đã đến.", "Chị B. cũng vậy."],
        ),
        ("Ông hỏi (lần nữa). Rồi đi.", ["Ông hỏi (lần nữa).", "Rồi đi."]),
        ("Sách, vở v.v. Tất cả.", ["Sách, vở v.v.", "Tất cả."]),
        ("Sách, vở v.v… Tất cả.", ["Sách, vở v.v…", "Tất cả."]),
        ("khu vực thứ 3. Những nơi này", ["khu vực thứ 3.", "Những nơi này"]),
        # A list item's number is no sentence of its own; a number that ends one still ends it.
        ("1. Lexus RX. 2. Acura MDX.", ["1. Lexus RX.", "2. Acura MDX."]),
        ("Năm 2016. 12. Ông về.", ["Năm 2016.", "12. Ông về."]),
        ("Top 10. 120. Hết.", ["Top 10.", "120.", "Hết."]),
        ("Dòng một.\nDòng hai", ["Dòng một.", "Dòng hai"]),
        # A letter that is a label holds the full stop (the tokenizer reads C. as an initial):
        # a temperature's scale, a group, a vitamin; an initial after a name does not.
        ("Trời nóng 38 độ C. Ngày mai mát.", ["Trời nóng 38 độ C.", "Ngày mai mát."]),
        ("Nước sôi ở 212 độ F. Hết.", ["Nước sôi ở 212 độ F.", "Hết."]),
        ("Trời nóng 38° C. Mai 30 o C. Hết.", ["Trời nóng 38° C.", "Mai 30 o C.", "Hết."]),
        ("Đội nhất bảng A. Trận sau hoà.", ["Đội nhất bảng A.", "Trận sau hoà."]),
        ("Uống Vitamin C. Ngoài ra ăn rau.", ["Uống Vitamin C.", "Ngoài ra ăn rau."]),
        ("Nhà thơ Ấn Độ R. Tagore đến.", ["Nhà thơ Ấn Độ R. Tagore đến."]),
        ("Ông Nguyễn Văn C. Đến sau.", ["Ông Nguyễn Văn C. Đến sau."]),
        ("Thi khối A. đạt 27 điểm.", ["Thi khối A. đạt 27 điểm."]),
        # A photo's credit in initials ends the caption; one letter is an initial before a name.
        ("Xe hỏng. Ảnh: N.D. Hai ngày qua, mưa.", ["Xe hỏng.", "Ảnh: N.D.", "Hai ngày qua, mưa."]),
        ("Ảnh: P. Hùng Chiều nay mưa.", ["Ảnh: P. Hùng Chiều nay mưa."]),
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@given(st.text() | st.text(alphabet="aA Bc.!?…\"'“”()-*v,:\n"))
def test_count_sentences_equals_the_spans(text: str) -> None:
    for line in text.split("\n"):
        assert count_sentences(line) == len(sentence_spans(syllables(line)))


def test_count_sentences_on_news() -> None:
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            assert count_sentences(line) == len(sentence_spans(syllables(line))), line
