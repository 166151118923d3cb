import pytest

from council.shared.sanitize import clean_html


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


# What Word puts on the clipboard (reduced): Mso classes, <o:p>, conditional comments, nbsp gaps.
WORD_PASTE = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal{margin:0}</style>"
    "</head><body lang=VI><!--StartFragment-->"
    "<p class=MsoNormal style='text-align:justify'><span lang=VI>&nbsp;&nbsp;Ngày 12/8/2017, tại"
    " Quảng Bình,&nbsp; Hội đồng đã họp.<o:p></o:p></span></p>\n"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
    "<p class=MsoNormal><b><span lang=VI>Kết luận&nbsp;<o:p></o:p></span></b></p>\n"
    "<p class=MsoNormal><![if !supportLists]>-&nbsp;&nbsp;<![endif]>Đẩy mạnh chính quyền điện tử.</p>"
    "<p class=MsoNormal>&nbsp;</p><!--EndFragment--></body></html>"
)
WORD_CLEAN = (
    "<p>Ngày 12/8/2017, tại Quảng Bình, Hội đồng đã họp.</p>\n"
    "<p><b>Kết luận</b></p>\n"
    "<p>- Đẩy mạnh chính quyền điện tử.</p>"
)

# What Google Docs puts on the clipboard (reduced): spans with inline styles, <br> between blocks.
DOCS_PASTE = (
    '<meta charset="utf-8"><p dir="ltr" style="line-height:1.38"><span style="font-size:11pt">'
    "\u00a0Hội đồng CIO miền Trung\u00a0</span></p>"
    '<p dir="ltr"><span style="font-size:11pt"></span></p>'
    '<p dir="ltr"><span style="font-size:11pt"><br></span></p>'
    '<ul><li dir="ltr"><p dir="ltr"><span>\u00a0Gia Lai</span></p></li></ul>'
    '<p dir="ltr"><span style="font-size:11pt">10\u00a0MB</span></p>'
)
DOCS_CLEAN = "<p>Hội đồng CIO miền Trung</p><ul><li><p>Gia Lai</p></li></ul><p>10&nbsp;MB</p>"


@pytest.mark.parametrize(("pasted", "clean"), [(WORD_PASTE, WORD_CLEAN), (DOCS_PASTE, DOCS_CLEAN)])
def test_clean_html_tidies_pasted_text(pasted, clean):
    assert clean_html(pasted) == clean


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>&nbsp;</p><p>Một</p>", "<p>Một</p>"),
        ("<p>Một</p><p></p>", "<p>Một</p>"),
        ("<p><br></p><p>Một</p>", "<p>Một</p>"),
        ("<p><strong>\u00a0</strong></p><h2>&nbsp;</h2>", ""),
        ("<p>\u00a0\u00a0Một&nbsp;</p>", "<p>Một</p>"),
        ("<p><em>&nbsp;Một</em></p>", "<p><em>Một</em></p>"),
        (
            "<table><tbody><tr><td>&nbsp;4&nbsp;</td></tr></tbody></table>",
            "<table><tbody><tr><td>4</td></tr></tbody></table>",
        ),
        ("<p>Một &nbsp; hai&nbsp;&nbsp;ba</p>", "<p>Một hai ba</p>"),
        ("<p>Một<br>hai</p>", "<p>Một<br>hai</p>"),
        ("<p>25&nbsp;MB</p>", "<p>25&nbsp;MB</p>"),
    ],
)
def test_clean_html_removes_empty_paragraphs_and_stray_non_breaking_spaces(dirty, clean):
    assert clean_html(dirty) == clean
