"""Escaping of untrusted record text in every context: HTML, Markdown, JSON, links and titles."""

from __future__ import annotations

import html
import json
import re

import markdown
import pytest

from densing_site.escape import (
    breakable_id,
    external_link,
    html_text,
    json_for_html,
    markdown_text,
    record_text,
    safe_title,
    safe_url,
)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "[click](javascript:alert(1))",
    "![img](x onerror=alert(1))",
    "<https://evil.example>",
    "**bold** _em_ `code` # heading\n- list",
    "</script><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_leaves_no_markup(text: str) -> None:
    out = str(html_text(text))
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "models/x/",
        "http://",
        "https:///nohost",
        "https://ok.example/\nx",
        "ftp://files.example/x",
        None,
        42,
    ],
)
def test_safe_url_refuses_anything_but_http(url: object) -> None:
    assert safe_url(url) is None
    assert "<a" not in str(external_link(url, "label"))


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1&c=2", "http://example.org", "HTTPS://EXAMPLE.ORG/x"]
)
def test_safe_url_keeps_http_links(url: str) -> None:
    assert safe_url(url) == url
    assert str(external_link(url, "x")).startswith('<a href="')


def test_external_link_escapes_url_and_label() -> None:
    link = str(external_link("https://example.com/x?'onmouseover='alert(1)&a=\"b", "<b>label</b>"))
    assert link.startswith('<a href="https://example.com/x?&#39;onmouseover=&#39;alert(1)&amp;a=&#34;b"')
    assert "&lt;b&gt;label&lt;/b&gt;" in link
    assert link.count("<") == 2  # <a ...> and </a>


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_inert(text: str) -> None:
    html = markdown.markdown(f"Name: {markdown_text(text)}", extensions=["attr_list", "tables", "toc"])
    for tag in ("<a", "<img", "<script", "<svg", "<strong", "<em", "<code", "<h1", "<li"):
        assert tag not in html, (text, html)
    assert html.startswith("<p>") and html.count("<p>") == 1


def test_markdown_text_keeps_the_visible_text() -> None:
    html = markdown.markdown(markdown_text("Qwen2.5-7B [base] *v2*"))
    assert html == "<p>Qwen2.5-7B [base] *v2*</p>"


@pytest.mark.parametrize("text", HOSTILE)
def test_json_for_html_cannot_close_a_script(text: str) -> None:
    data = {"name": text, "nested": [text, {"k": text}], "sep": "\u2028\u2029"}
    out = str(json_for_html(data))
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == data


def test_json_for_html_refuses_nan() -> None:
    with pytest.raises(ValueError):
        json_for_html({"x": float("nan")})


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_title_escapes_markup(text: str) -> None:
    title = safe_title(text, "model-id")
    assert "<" not in title and ">" not in title and '"' not in title.replace("&quot;", "")
    assert html.unescape(title) == " ".join(text.split())[:120]


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_safe_title_falls_back_when_there_is_no_name(text: object) -> None:
    assert safe_title(text, "model-id") == "model-id"


def test_safe_title_keeps_names_as_written() -> None:
    assert safe_title("Qwen2.5-7B (base), v1/2", "x") == "Qwen2.5-7B (base), v1/2"
    assert safe_title("Data & citation", "x") == "Data &amp; citation"
    assert safe_title("Qwen\u2028 7B\n", "x") == "Qwen 7B"
    assert len(safe_title("x" * 300, "y")) == 120


@pytest.mark.parametrize("text", HOSTILE)
def test_record_text_leaves_no_markup_but_its_links(text: str) -> None:
    out = str(record_text(text))
    without_links = re.sub(
        r'<a class="record-url" href="[^"<>]*" rel="nofollow noopener noreferrer">', "", out
    )
    without_links = without_links.replace("</a>", "")
    assert "<" not in without_links and ">" not in without_links and '"' not in without_links


def test_record_text_links_each_address_and_leaves_the_sentence_around_it() -> None:
    text = (
        "Read (https://example.org/a_(b)/t.md, table 2) and https://example.org/x?y=1&z=2. "
        "Not javascript:alert(1) nor ftp://files.example/x; see [https://example.org/c]."
    )
    out = str(record_text(text))
    hrefs = re.findall(r'<a class="record-url" href="([^"]*)"', out)
    assert hrefs == [
        "https://example.org/a_(b)/t.md",
        "https://example.org/x?y=1&amp;z=2",
        "https://example.org/c",
    ]
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text  # the words read as before
    assert str(record_text(None)) == ""


def test_a_quote_ends_an_address_so_it_cannot_leave_its_attribute() -> None:
    out = str(record_text('https://example.org/a"onmouseover="alert(1)'))
    assert 'href="https://example.org/a"' in out and 'onmouseover="' not in out


def test_breakable_id_breaks_between_parts_only() -> None:
    out = str(breakable_id("gemma-2-27b.mmlu.5shot/<x>"))
    assert out == "gemma-<wbr>2-<wbr>27b.<wbr>mmlu.<wbr>5shot/<wbr>&lt;x&gt;"
    assert html.unescape(out.replace("<wbr>", "")) == "gemma-2-27b.mmlu.5shot/<x>"
