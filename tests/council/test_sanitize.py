import pytest

from council.sanitize import clean_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Xin chào<script>alert(1)</script></p>", "<p>Xin chào</p>"),
        ('<img src="/a.png" onerror="alert(1)" alt="ảnh">', '<img src="/a.png" alt="ảnh">'),
        ('<a href="javascript:alert(1)">bấm</a>', '<a rel="noopener noreferrer">bấm</a>'),
        ('<p style="color:red" onclick="x()">đỏ</p>', "<p>đỏ</p>"),
        ("<iframe src='https://evil.example'></iframe><p>ok</p>", "<p>ok</p>"),
    ],
)
def test_clean_html_removes_what_can_run(dirty, clean):
    assert clean_html(dirty) == clean


def test_clean_html_keeps_the_article_structure():
    html = (
        "<h2>Tiêu đề</h2><h3>Mục</h3><ul><li>một</li></ul><ol><li>hai</li></ol>"
        '<p><a href="https://ictnews.vn/x" rel="noopener noreferrer">nguồn</a></p>'
        '<img src="/media/a.jpg" alt="ảnh">'
        "<table><thead><tr><th>Tỉnh</th></tr></thead><tbody><tr><td>Gia Lai</td></tr></tbody></table>"
    )

    assert clean_html(html) == html
