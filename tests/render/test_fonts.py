"""Which @font-face rules Chromium downloads for rendered text (push_manifest.rendering.fonts)."""

from __future__ import annotations

import pytest

from push_manifest.rendering.fonts import (
    DEFAULT_INSTALLED,
    FontFace,
    TextRun,
    faces_fetched,
    parse_unicode_range,
)

# Fontsource / Google Fonts order and ranges (fixtures/browser-render-fonts/css/subsets.css).
CYRILLIC = "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116"
GREEK = "U+0370-0377, U+037A-037F, U+0384-038A, U+038C, U+038E-03A1, U+03A3-03FF"
VIETNAMESE = (
    "U+0102-0103, U+0110-0111, U+0128-0129, U+0168-0169, U+01A0-01A1, U+01AF-01B0, "
    "U+0300-0301, U+0303-0304, U+0308-0309, U+0323, U+0329, U+1EA0-1EF9, U+20AB"
)
LATIN_EXT = (
    "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, "
    "U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, "
    "U+2C60-2C7F, U+A720-A7FF"
)
LATIN = (
    "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, "
    "U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD"
)
SUBSETS = ("cyrillic", "greek", "vietnamese", "latin-ext", "latin")
SUBSET_FACES = tuple(
    FontFace("Subset Sans", "400", "normal", subset_range)
    for subset_range in (CYRILLIC, GREEK, VIETNAMESE, LATIN_EXT, LATIN)
)


def run(text: str, *families: str, weight: float = 400, style: str = "normal") -> TextRun:
    return TextRun(families, weight, style, text)


def fetched(faces: tuple[FontFace, ...], *runs: TextRun, **kwargs: frozenset[str]) -> list[bool]:
    return [use.fetched for use in faces_fetched(faces, runs, **kwargs)]


def subsets_fetched(*texts: str) -> set[str]:
    runs = [run(text, "Subset Sans", "sans-serif") for text in texts]
    uses = faces_fetched(SUBSET_FACES, runs)
    return {name for name, use in zip(SUBSETS, uses, strict=True) if use.fetched}


# -- unicode-range -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U+26", ((0x26, 0x26),)),
        ("U+0-7F", ((0, 0x7F),)),
        ("u+0025-00ff", ((0x25, 0xFF),)),
        ("U+4??", ((0x400, 0x4FF),)),
        ("U+???", ((0, 0xFFF),)),
        ("U+10????", ((0x100000, 0x10FFFF),)),
        ("U+0025-00FF, U+4??", ((0x25, 0xFF), (0x400, 0x4FF))),
        ("U+4??,U+0-FF", ((0, 0xFF), (0x400, 0x4FF))),  # sorted
        ("U+0-7F, U+80-FF, U+50-90", ((0, 0xFF),)),  # merged
        ("U+10FFFF", ((0x10FFFF, 0x10FFFF),)),
    ],
)
def test_unicode_range_valid(text: str, expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_unicode_range(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "U+",
        "0-7F",
        "U+7F-0",  # start after end
        "U+110000",  # past the last code point
        "U+0-110000",
        "U+??????",  # wildcard past U+10FFFF
        "U+1?2",  # ? only trailing
        "U+1?-2F",
        "U+1234567",  # seven digits
        "U+0-7F,",  # empty item
        "U+0-7F U+100",
        "latin",
    ],
)
def test_unicode_range_absent_or_invalid_is_everything(text: str | None) -> None:
    assert parse_unicode_range(text) is None


def test_invalid_range_descriptor_is_the_whole_range() -> None:
    faces = (FontFace("Web", unicode_range="U+7F-0"),)
    assert fetched(faces, run("Привет", "Web")) == [True]


def test_wildcard_range_selects_cyrillic_only() -> None:
    faces = (FontFace("Web", unicode_range="U+4??"), FontFace("Web", unicode_range="U+0-FF"))
    assert fetched(faces, run("Привет", "Web")) == [True, False]
    assert fetched(faces, run("Hello", "Web")) == [False, True]


# -- unicode-range subsets -----------------------------------------------------------------------


def test_latin_text_fetches_latin_only() -> None:
    assert subsets_fetched("Hello, world!") == {"latin"}


def test_cyrillic_word_adds_cyrillic() -> None:
    assert subsets_fetched("Hello and Привет.") == {"latin", "cyrillic"}


def test_greek_word_adds_greek() -> None:
    assert subsets_fetched("Hello", "Καλημέρα") == {"latin", "greek"}


def test_polish_word_adds_latin_ext() -> None:
    assert subsets_fetched("A city: Łódź.") == {"latin", "latin-ext"}


def test_vietnamese_word_adds_vietnamese() -> None:
    assert subsets_fetched("Language: Tiếng Việt.") == {"latin", "vietnamese"}


def test_overlapping_ranges_the_last_declared_face_draws() -> None:
    # U+2020 † is in latin-ext and latin; latin, declared last, draws it. U+0103 ă is in
    # vietnamese and latin-ext; latin-ext, declared later, draws it.
    assert subsets_fetched("†") == {"latin"}
    assert subsets_fetched("ă") == {"latin-ext"}


def test_no_break_space_is_not_ascii_whitespace() -> None:
    assert subsets_fetched("\u00a0\u00a0") == {"latin"}


@pytest.mark.parametrize("text", ["", "\t\n\r\f"])
def test_empty_or_whitespace_text_loads_nothing(text: str) -> None:
    assert subsets_fetched(text) == set()
    assert fetched((FontFace("Web"),), run(text, "Web")) == [False]


def test_a_space_stands_for_a_strut_and_loads_the_primary_font() -> None:
    # The cascade passes U+0020 only for an empty inline box in a line, whose primary font
    # Chromium loads (fixtures/browser-render-fonts/subset-empty-inline.html).
    assert subsets_fetched(" ") == {"latin"}


def test_other_ascii_whitespace_is_ignored_inside_text() -> None:
    faces = (FontFace("Web", unicode_range="U+9-D"), FontFace("Web", unicode_range="U+41"))
    assert fetched(faces, run("\tA\n", "Web")) == [False, True]


# -- the font-family walk ----------------------------------------------------------------------

FALLBACK = (
    FontFace("Web A"),
    FontFace("Web B"),
    FontFace("Web A Latin", unicode_range="U+0000-00FF"),
)


def test_range_gap_falls_back_to_next_web_font_for_those_characters() -> None:
    uses = faces_fetched(FALLBACK, [run("Hello and Καλημέρα.", "Web A Latin", "Web B", "serif")])
    assert [use.fetched for use in uses] == [False, True, True]
    assert "'Web B'" in uses[1].reason
    assert "'Καλημέρ'" in uses[1].reason  # distinct characters, in order of first use
    assert "H" not in uses[1].reason.split("renders")[1]


def test_range_gap_with_latin_text_only_stays_on_first() -> None:
    assert fetched(FALLBACK, run("Hello", "Web A Latin", "Web B")) == [False, False, True]


def test_first_web_font_without_range_covers_everything() -> None:
    assert fetched(FALLBACK, run("Hello and Привет", "Web A", "Web B")) == [True, False, False]


@pytest.mark.parametrize("generic", ["sans-serif", "serif", "monospace", "system-ui", "emoji"])
def test_generic_first_stops(generic: str) -> None:
    assert fetched(FALLBACK, run("Hello", generic, "Web A")) == [False, False, False]


def test_quoted_generic_is_a_family_name() -> None:
    faces = (FontFace("serif"), FontFace("Web A"))
    assert fetched(faces, run("Hello", '"serif"', "Web A")) == [True, False]
    assert fetched(faces, run("Hello", "'serif'", "Web A")) == [True, False]
    assert fetched(faces, run("Hello", "serif", "Web A")) == [False, False]


def test_system_font_stops() -> None:
    assert fetched(FALLBACK, run("Hello", "<system>", "Web A")) == [False, False, False]


@pytest.mark.parametrize("family", ["Arial", "arial", "Helvetica", "Times New Roman", "COURIER"])
def test_installed_first_stops(family: str) -> None:
    assert fetched(FALLBACK, run("Hello", family, "Web A")) == [False, False, False]


def test_installed_set_is_given() -> None:
    runs = [run("Hello", "DejaVu Sans", "Web A")]
    assert fetched(FALLBACK, *runs) == [True, False, False]
    assert fetched(FALLBACK, *runs, installed=frozenset({"DejaVu Sans"})) == [False, False, False]


def test_unknown_first_is_skipped() -> None:
    assert fetched(FALLBACK, run("Hello", "No Such Font", "Web B")) == [False, True, False]


def test_web_font_shadows_installed_font_of_the_same_name() -> None:
    faces = (FontFace("Arial", unicode_range="U+0400-045F"), FontFace("Web B"))
    assert fetched(faces, run("Hello Привет", "Arial", "Web B")) == [True, True]


def test_characters_no_family_covers_load_nothing() -> None:
    faces = (FontFace("Web", unicode_range="U+0-FF"),)
    assert fetched(faces, run("日本語", "Web", "No Such Font")) == [False]


def test_family_names_are_ascii_case_insensitive() -> None:
    faces = (FontFace("Subset Sans", unicode_range=LATIN),)
    assert fetched(faces, run("Hello", "SUBSET sans")) == [True]
    assert fetched((FontFace("ÄB"),), run("x", "äb")) == [False]


def test_default_installed_is_conservative() -> None:
    assert {"arial", "helvetica", "times new roman", "times", "courier new", "courier"} == set(
        DEFAULT_INSTALLED
    )
    for vendor_font in ("segoe ui", "helvetica neue", "roboto", "-apple-system"):
        assert vendor_font not in DEFAULT_INSTALLED


# -- local() -----------------------------------------------------------------------------------


def test_local_of_installed_font_is_not_fetched() -> None:
    faces = (FontFace("Local Installed", local_names=("Arial",)),)
    uses = faces_fetched(faces, [run("Hello", "Local Installed", "sans-serif")])
    assert [use.fetched for use in uses] == [False]
    assert "'Arial'" in uses[0].reason


def test_local_of_installed_font_still_covers() -> None:
    faces = (FontFace("Local", local_names=("arial",)), FontFace("Web B"))
    assert fetched(faces, run("Hello", "Local", "Web B")) == [False, False]


def test_local_of_unknown_font_is_fetched() -> None:
    faces = (FontFace("Local Missing", local_names=("No Such Font",)),)
    assert fetched(faces, run("Hello", "Local Missing", "sans-serif")) == [True]


# -- weight and style --------------------------------------------------------------------------

WEIGHTED = (
    FontFace("Weighted", "400", "normal"),
    FontFace("Weighted", "bold", "normal"),
    FontFace("Weighted", "400", "italic"),
)


@pytest.mark.parametrize(
    ("weight", "style", "expected"),
    [
        (400, "normal", [True, False, False]),
        (700, "normal", [False, True, False]),
        (900, "normal", [False, True, False]),
        (500, "normal", [True, False, False]),  # 400-500: up to 500, then down
        (600, "normal", [False, True, False]),  # above 500: up first
        (100, "normal", [True, False, False]),
        (400, "italic", [False, False, True]),
        (700, "italic", [False, False, True]),  # style is matched before weight
        (400, "oblique", [False, False, True]),  # oblique falls back to italic
        (400, "oblique 10deg", [False, False, True]),
    ],
)
def test_weight_and_style_pick_one_group(weight: float, style: str, expected: list[bool]) -> None:
    assert fetched(WEIGHTED, run("Hello", "Weighted", weight=weight, style=style)) == expected


def test_bold_and_regular_text_fetch_both() -> None:
    runs = (run("Title", "Weighted", weight=700), run("Body", "Weighted"))
    assert fetched(WEIGHTED, *runs) == [True, True, False]


def test_italic_falls_back_to_normal_when_family_has_none() -> None:
    faces = (FontFace("Web", "400"), FontFace("Web", "700"))
    assert fetched(faces, run("Hello", "Web", style="italic")) == [True, False]


def test_weight_ranges_and_auto() -> None:
    faces = (FontFace("Var", "100 900"), FontFace("Var", "700", "italic"))
    assert fetched(faces, run("a", "Var", weight=350)) == [True, False]
    assert fetched((FontFace("Auto", "auto"),), run("a", "Auto", weight=800)) == [True]


def test_group_without_the_character_falls_to_next_family_not_other_weights() -> None:
    faces = (
        FontFace("Web", "400", unicode_range="U+0-FF"),
        FontFace("Web", "700", unicode_range="U+400-4FF"),
        FontFace("Other"),
    )
    assert fetched(faces, run("Привет", "Web", "Other")) == [False, False, True]


# -- reasons -----------------------------------------------------------------------------------


def test_reasons_name_the_family_and_characters() -> None:
    uses = faces_fetched(SUBSET_FACES, [run("Hi Привет", "Subset Sans", "sans-serif")])
    cyrillic, greek, _, _, latin = uses
    assert cyrillic.fetched
    assert "'Subset Sans'" in cyrillic.reason
    assert "Привет" in cyrillic.reason
    assert "U+0400-045F" in cyrillic.reason
    assert "'Hi '" in latin.reason  # the space: a strut's primary font
    assert not greek.fetched
    assert greek.reason == (
        "no rendered text in U+0370-0377, U+037A-037F, U+0384-038A, U+038C, U+038E-03A1, "
        "U+03A3-03FF uses 'Subset Sans'"
    )


def test_reason_for_a_face_another_weight_wins() -> None:
    uses = faces_fetched(WEIGHTED, [run("Hello", "Weighted")])
    assert "asks for 400 normal" in uses[1].reason
    assert "bold normal" in uses[1].reason


def test_reason_for_an_overlapped_face() -> None:
    faces = (FontFace("Web", unicode_range="U+0-FF"), FontFace("Web", unicode_range="U+0-7F"))
    uses = faces_fetched(faces, [run("A", "Web")])
    assert [use.fetched for use in uses] == [False, True]
    assert "later @font-face" in uses[0].reason


def test_long_samples_are_cut() -> None:
    uses = faces_fetched((FontFace("Web"),), [run("abcdefghijklmnopqrstuvwxyz0123456789", "Web")])
    assert "(36 characters)" in uses[0].reason


def test_runs_are_merged_and_faces_keep_order() -> None:
    runs = [run("Hello", "Subset Sans") for _ in range(1000)] + [run("Ω", "Subset Sans")]
    assert fetched(SUBSET_FACES, *runs) == [False, True, False, False, True]
