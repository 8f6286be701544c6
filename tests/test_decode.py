from __future__ import annotations

import pytest
import webencodings
from hypothesis import given, settings
from hypothesis import strategies as st

from push_manifest.decode import decode_html, late_declaration, prescan

_NAMES = frozenset(encoding.name for encoding in webencodings.CACHE.values()) | {
    webencodings.lookup(label).name for label in webencodings.LABELS
}


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"\xef\xbb\xbf<p>caf\xc3\xa9", "<p>café", "utf-8"),
        (b"\xff\xfe<\x00p\x00>\x00\xe9\x00", "<p>é", "utf-16le"),
        (b"\xfe\xff\x00<\x00p\x00>\x00\xe9", "<p>é", "utf-16be"),
    ],
)
def test_bom_decides_and_is_removed(data: bytes, text: str, encoding: str) -> None:
    assert decode_html(data) == (text, encoding)


def test_bom_wins_over_meta_charset() -> None:
    data = b'\xef\xbb\xbf<meta charset="windows-1252"><p>caf\xc3\xa9'
    assert decode_html(data) == ('<meta charset="windows-1252"><p>café', "utf-8")


@pytest.mark.parametrize(
    "declaration",
    [
        b'<meta charset="windows-1252">',
        b"<meta charset=latin1>",
        b"<META CHARSET='ISO-8859-1'>",
        b"<meta/charset=cp1252>",
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        b"<meta content='text/html;charset = \"latin1\"' http-equiv=content-type>",
        b'<!DOCTYPE html><html lang="fr"><head><title>x</title><meta charset=l1>',
    ],
)
def test_meta_declares_windows_1252(declaration: bytes) -> None:
    text, encoding = decode_html(declaration + b"<p>caf\xe9 \x80")
    assert encoding == "windows-1252"
    assert text.endswith("<p>café €")


def test_windows_1252_undefined_bytes_are_c1_controls_as_in_whatwg() -> None:
    assert decode_html(b"<meta charset=windows-1252>\x81\x8d\x8f\x90\x9d")[0].endswith(
        "\x81\x8d\x8f\x90\x9d"
    )


@pytest.mark.parametrize(
    "declaration",
    [
        b'<meta http-equiv="refresh" content="0; charset=latin1">',  # not a content-type pragma
        b'<meta content="text/html; charset=latin1">',  # no http-equiv at all
        b'<meta name="x" value="charset=latin1">',
        b"<!-- <meta charset=latin1> -->",
        b'<p title="<meta charset=latin1>">',
        b"<meta charset=latin1",  # the bytes run out inside the tag
        b"<metacharset=latin1>",
        b"<meta charset>",
    ],
)
def test_what_is_not_a_declaration(declaration: bytes) -> None:
    assert decode_html(declaration + b"caf\xc3\xa9")[1] == "utf-8"


def test_first_attribute_of_a_name_counts() -> None:
    assert prescan(b"<meta charset=koi8-r charset=latin1>") == "koi8-r"


def test_declaration_after_1024_bytes_is_not_seen_by_the_prescan() -> None:
    data = b"<!-- " + b"x" * 1100 + b" --><meta charset=latin1>caf\xc3\xa9"
    assert prescan(data[:1024]) is None
    # The parser meets it in the head: the page is decoded again (late_declaration).
    assert decode_html(data) == (data.decode("cp1252"), "windows-1252")
    in_body = b"<!-- " + b"x" * 1100 + b" --><p><meta charset=latin1>caf\xc3\xa9"
    assert decode_html(in_body) == (in_body.decode("utf-8"), "utf-8")


def test_bogus_label_falls_back() -> None:
    assert decode_html(b"<meta charset=no-such-thing>\xc3\xa9") == (
        "<meta charset=no-such-thing>é",
        "utf-8",
    )
    assert decode_html(b"<meta charset=no-such-thing>\xe9", fallback="latin1") == (
        "<meta charset=no-such-thing>é",
        "windows-1252",
    )


def test_unknown_fallback_label_is_a_programming_error() -> None:
    with pytest.raises(LookupError):
        decode_html(b"", fallback="no-such-thing")


@pytest.mark.parametrize("label", [b"utf-16", b"UTF-16LE", b"utf-16be"])
def test_declared_utf16_means_utf8(label: bytes) -> None:
    data = b"<meta charset=" + label + b"><p>caf\xc3\xa9"
    assert decode_html(data) == (data.decode("utf-8"), "utf-8")


def test_x_user_defined_means_windows_1252() -> None:
    assert decode_html(b"<meta charset=x-user-defined>\x80")[1] == "windows-1252"


def test_replacement_encoding_decodes_to_one_replacement_character() -> None:
    assert decode_html(b"<meta charset=iso-2022-kr><img src=a.png>") == ("\ufffd", "replacement")


def test_xml_declaration_is_a_last_resort() -> None:
    assert decode_html(b"<?xml version='1.0' encoding='ISO-8859-1'?><p>\xe9")[1] == "windows-1252"
    assert prescan(b"<?xml version='1.0' encoding='utf-16'?>") == "utf-8"
    assert prescan(b"<\x00?\x00x\x00m\x00l\x00") == "utf-16le"


def test_no_declaration_uses_utf8() -> None:
    assert decode_html(b"<p>\xe2\x82\xac") == ("<p>€", "utf-8")
    assert decode_html(b"") == ("", "utf-8")


def test_invalid_utf8_is_replaced_never_raised() -> None:
    text, encoding = decode_html(b"<p>\xff\xc3(\xe2\x82 ok \xf0\x9f\x98")
    assert encoding == "utf-8"
    assert text == "<p>\ufffd\ufffd(\ufffd ok \ufffd"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["utf-8", "latin1", "shift_jis", "utf-16le"]))
def test_any_bytes_decode_without_raising(data: bytes, fallback: str) -> None:
    text, encoding = decode_html(data, fallback)
    assert isinstance(text, str)
    assert encoding


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_prescan_of_any_bytes_gives_a_known_name_or_none(data: bytes) -> None:
    assert prescan(b"<meta charset=" + data) in (None, *_NAMES)


# A head longer than the prescan's 1024 bytes; byte E8 is U+0438 in windows-1251.
_LONG_HEAD = b"<!doctype html><html><head><style>" + b"/* pad */\n" * 110 + b"</style>"


def test_a_meta_charset_in_the_head_past_1024_bytes_is_honoured() -> None:
    # Chromium re-decodes (fixtures/browser-tree/late-charset.html).
    page = _LONG_HEAD + b'<meta charset="windows-1251"></head><body><img src="\xe8.png">'
    assert prescan(page[:1024]) is None
    text, encoding = decode_html(page)
    assert encoding == "windows-1251"
    assert '<img src="\u0438.png">' in text
    pragma = _LONG_HEAD + b'<meta http-equiv=Content-Type content="text/html; charset=koi8-r">'
    assert decode_html(pragma)[1] == "koi8-r"


def test_the_first_known_late_meta_charset_wins_and_noscript_counts() -> None:
    # Chromium reads <noscript> content as tags here, skips comments and raw text
    # (fixtures/browser-tree/late-charset-unseen.html).
    page = (
        _LONG_HEAD + b"<!-- <meta charset=koi8-r> --><script><meta charset=koi8-r></script>"
        b'<title><meta charset=koi8-r></title><meta charset="bogus">'
        b"<noscript><meta charset=iso-8859-2></noscript><meta charset=windows-1251>"
    )
    assert late_declaration(page) == "iso-8859-2"


def test_a_meta_charset_after_the_head_is_not_honoured() -> None:
    # Chromium stops at the first start tag that cannot be in the head
    # (fixtures/browser-tree/late-charset-body.html).
    page = _LONG_HEAD + b"</head><body><p>\xe8<meta charset=windows-1251>"
    assert late_declaration(page) is None
    assert decode_html(page)[1] == "utf-8"
    assert late_declaration(_LONG_HEAD + b'<img src="x"><meta charset=windows-1251>') is None


def test_an_early_declaration_is_not_overridden_by_a_late_one() -> None:
    page = b"<meta charset=windows-1252>" + _LONG_HEAD + b"<meta charset=windows-1251>\xe8"
    assert decode_html(page) == (page.decode("cp1252"), "windows-1252")
