"""Sanitising staff-written HTML with an allow-list (nh3).

A leaf module: it imports no app. Articles and flat pages are cleaned with it
when they are saved: scripts, event handlers, styles and javascript: links go;
headings, paragraphs, lists, links, images, tables and quotes stay. What a
paste from a word processor leaves is tidied too: empty paragraphs
(`<p>&nbsp;</p>`, `<p><br></p>`) go, and so do non-breaking spaces at the start
or end of a block and the ones a run of spaces was typed as.
"""

import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The patterns read nh3's output, which is normalised: lower-case tags, no
# attributes on these, every element closed, U+00A0 written as "&nbsp;".
_BLANK = r"(?:\s|&nbsp;|<br>)"
_INLINE_OPEN = r"(?:<(?:strong|b|em|i|u|s|sub|sup)>)"
_INLINE_CLOSE = r"(?:</(?:strong|b|em|i|u|s|sub|sup)>)"
_EMPTY_BLOCK = re.compile(rf"<(p|h2|h3|h4)>(?:{_BLANK}|{_INLINE_OPEN}|{_INLINE_CLOSE})*</\1>\s*")
_LEADING = re.compile(rf"(<(?:p|h2|h3|h4|li|td|th|figcaption|caption)>{_INLINE_OPEN}*)(?:\s|&nbsp;)+")
_TRAILING = re.compile(rf"(?:\s|&nbsp;)+({_INLINE_CLOSE}*</(?:p|h2|h3|h4|li|td|th|figcaption|caption)>)")
_SPACE_RUN = re.compile(r"(?:&nbsp;| ){2,}")


def clean_html(html: str) -> str:
    """The allowed part of `html`, tidied; links get rel="noopener noreferrer"."""
    html = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    html = _EMPTY_BLOCK.sub("", html)
    html = _LEADING.sub(r"\1", html)
    html = _TRAILING.sub(r"\1", html)
    return _SPACE_RUN.sub(" ", html)
