"""kg.ingest: reading article files, bad inputs, offsets (issue #7). No spaCy model needed."""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import (
    Article,
    InputRejected,
    NoInputError,
    Notice,
    Rejected,
    article_from_text,
    discover,
    ingest,
    read_article,
)
from kg.lang.fr.timex import parse_header_date
from kg.schema.time import TimeValue

FR = ("Les forces du régime ont repris samedi le contrôle de la ville de Palmyre, dans le centre de la "
      "Syrie, après des combats contre les jihadistes de l'Etat islamique, selon l'OSDH.\n")
EN = ("The army said on Saturday that it had taken the city after heavy fighting with the jihadists, "
      "and that the road to the north was now open to the aid convoys of the United Nations.\n")


def _write(folder: Path, name: str, data: bytes) -> Path:
    p = folder / name
    p.write_bytes(data)
    return p


# ----------------------------------------------------------------------------- headers and offsets


@pytest.mark.parametrize("text, iso, body", [
    (" date 2018-04 Les forces", "2018-04", "Les forces"),
    (" date 2024-12-05\nLes forces", "2024-12-05", "Les forces"),
    ("date 2016\nLes forces", "2016", "Les forces"),
    ("\ufeff date 2017-06-12 Les forces", "2017-06-12", "Les forces"),
    ("Les forces", None, "Les forces"),
])
def test_ingest_header_parsed(text, iso, body):
    art = article_from_text("x", text)
    assert (art.published.iso() if art.published else None) == iso
    assert art.body == body
    assert art.warnings == ()


@pytest.mark.parametrize("text, body", [
    (" date 2024-13 Les forces", "Les forces"),
    (" date hier\nLes forces", "Les forces"),
    (" date 2024-02-30 Les forces", "Les forces"),
    (" date \nLes forces", "Les forces"),
])
def test_ingest_malformed_header_warns_and_keeps_article(text, body):
    art = article_from_text("x", text, path="a/x.txt")
    assert art.published is None
    assert art.body == body
    (w,) = art.warnings
    assert w.code == "bad_date" and w.startswith("a/x.txt: line 1: malformed date header")


def test_ingest_capitalised_date_word_is_text_not_header():
    art = article_from_text("x", "Date limite dépassée pour les rebelles assiégés.")
    assert art.body_start == 0 and art.published is None and art.warnings == ()


def test_ingest_given_date_wins_over_header():
    art = article_from_text("x", " date 2018-04 Texte", published=TimeValue(2020, 1, 2))
    assert art.published == TimeValue(2020, 1, 2)


@pytest.mark.parametrize("raw", [b"a\r\nb\rc\nd", b"a\r\n\r\nb", b"\r\r\n\n"])
def test_ingest_offsets_use_universal_newlines(tmp_path, raw):
    p = _write(tmp_path, "nl.txt", b" date 2018-04 Les forces " + raw)
    with open(p, encoding="utf-8") as fh:
        expected = fh.read()
    art = read_article(p)
    assert art.text == expected


# ----------------------------------------------------------------------------- encodings


def test_ingest_utf16_bom_decoded_with_warning(tmp_path):
    p = _write(tmp_path, "u16.txt", FR.encode("utf-16"))
    art = read_article(p)
    assert art.body == FR
    assert [w.code for w in art.warnings] == ["encoding"]


def test_ingest_utf32_bom_decoded(tmp_path):
    art = read_article(_write(tmp_path, "u32.txt", FR.encode("utf-32")))
    assert art.body == FR


def test_ingest_cp1252_decoded_with_warning(tmp_path):
    art = read_article(_write(tmp_path, "l1.txt", ("« " + FR + " » – l’AFP").encode("cp1252")))
    assert art.body == "« " + FR + " » – l’AFP"
    (w,) = art.warnings
    assert w.code == "encoding" and "Windows-1252" in w and str(tmp_path / "l1.txt") in w


def test_ingest_stray_byte_in_utf8_keeps_utf8(tmp_path):
    art = read_article(_write(tmp_path, "s.txt", FR.encode().replace(b"Syrie", b"Syr\xffie")))
    assert "régime" in art.text and "Syr\ufffdie" in art.text
    assert [w.code for w in art.warnings] == ["encoding"]


def test_ingest_utf8_bom_kept_as_character(tmp_path):
    art = read_article(_write(tmp_path, "b.txt", b"\xef\xbb\xbf" + FR.encode()))
    assert art.text == "\ufeff" + FR and art.body == FR and art.warnings == ()


# ----------------------------------------------------------------------------- rejected inputs


@pytest.mark.parametrize("name, data, code", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \n\t\r\n\xc2\xa0", "empty"),
    ("bom.txt", b"\xef\xbb\xbf", "empty"),
    ("header.txt", b" date 2024-12\n", "header_only"),
    ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("rtf.txt", b"{\\rtf1\\ansi {\\pard Les rebelles ont pris Alep.\\par}}", "document"),
    ("pdf.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "document"),
    ("docx.txt", b"PK\x03\x04\x14\x00\x06\x00", "document"),
    ("doc.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + FR.encode(), "document"),
    ("gz.txt", gzip.compress(FR.encode()), "binary"),
    ("ctl.txt", bytes(range(1, 9)) * 3, "binary"),
    ("page.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("frag.txt", b"<!-- saved --><head><title>x</title></head>", "html"),
    ("tags.txt", b"Texte</p>" * 6, "html"),
    ("bad16.txt", b"\xff\xfeA", "encoding"),
    ("a b.txt", FR.encode(), "bad_name"),
    ("a#b.txt", FR.encode(), "bad_name"),
])
def test_ingest_rejects_bad_file(tmp_path, name, data, code):
    p = _write(tmp_path, name, data)
    with pytest.raises(InputRejected) as info:
        read_article(p)
    assert info.value.code == code
    assert isinstance(info.value, InputError)
    assert str(info.value).startswith(f"{p}: ")


def test_ingest_names_the_format_of_a_file_that_is_not_text(tmp_path):
    """A compressed file or a document renamed .txt is told by its first bytes, and the message says
    what it is and what to do (it said "NUL bytes", or the file was built as an article)."""
    cases = [("a.txt", gzip.compress(FR.encode()), "a gzip-compressed file, not text; decompress it first"),
             ("b.txt", b"{\\rtf1 " + FR.encode(), "an RTF document, not text; save its text as .txt first"),
             ("c.txt", b"PK\x03\x04" + FR.encode(), "a ZIP archive (as a .docx or .odt document is)")]
    for name, data, said in cases:
        with pytest.raises(InputRejected) as info:
            read_article(_write(tmp_path, name, data))
        assert said in str(info.value), str(info.value)
    # text that only looks like a signature further on, or in other letters, is text
    for text in (FR + " %PDF-", "pk " + FR, "{rtf} " + FR):
        assert read_article(_write(tmp_path, "t.txt", text.encode())).body == text


def test_ingest_accepts_only_names_that_make_valid_iris(tmp_path):
    """A file name is accepted only when its article IRI is valid (RFC 3987, as Oxigraph and the
    Turtle readers check it): the ASCII and Latin ranges, and the edges of the ranges IRIs allow."""
    from pyoxigraph import NamedNode

    from kg.rdf.emit import article_iri

    edges = [0xA0, 0xD7FF, 0xE000, 0xF8FF, 0xF900, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFEF, 0xFFFD, 0xFFFE,
             0x10000, 0x1F600, 0x1FFFD, 0x1FFFE, 0xE0000, 0xE1000, 0xEFFFD, 0xF0000, 0x10FFFD]
    accepted = rejected = 0
    for code in [*range(1, 0x250), *edges]:
        c = chr(code)
        if c in "/":
            continue
        p = _write(tmp_path, f"a{c}b.txt", FR.encode())
        try:
            read_article(p)
        except InputRejected as exc:
            assert exc.code == "bad_name", (hex(code), exc.code)
            if c not in "#?%":  # valid in an IRI, but they would end its path or read as an escape
                with pytest.raises(ValueError):
                    NamedNode(str(article_iri(f"a{c}b")))
            rejected += 1
        else:
            NamedNode(str(article_iri(f"a{c}b")))  # raises ValueError on an invalid IRI
            accepted += 1
        p.unlink()
    assert accepted > 400 and rejected > 40


def test_ingest_too_large(tmp_path):
    p = _write(tmp_path, "big.txt", FR.encode() * 10)
    with pytest.raises(InputRejected, match=r"too large .*--max-bytes") as info:
        read_article(p, max_bytes=100)
    assert info.value.code == "too_large"
    assert read_article(p, max_bytes=len(FR.encode()) * 10).body == FR * 10


def test_ingest_unreadable_file_reported(tmp_path, monkeypatch):
    p = _write(tmp_path, "locked.txt", FR.encode())
    real_open = open

    def deny(file, *args, **kwargs):
        if Path(file) == p:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    report = ingest([tmp_path])
    assert report.rejected == [Rejected(str(p), "cannot be read (Permission denied); check its permissions",
                                        "unreadable")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_ingest_chmod_000_reported(tmp_path):
    p = _write(tmp_path, "locked.txt", FR.encode())
    p.chmod(0)
    try:
        assert [r.code for r in ingest([tmp_path]).rejected] == ["unreadable"]
    finally:
        p.chmod(0o644)


def test_ingest_folder_scan(tmp_path):
    _write(tmp_path, "a.txt", FR.encode())
    _write(tmp_path, "B.TXT", (FR + "Deux.").encode())
    _write(tmp_path, "notes.md", b"x")
    _write(tmp_path, ".DS_Store", b"\x00")
    _write(tmp_path, "._a.txt", b"\x00\x05\x16\x07")
    (tmp_path / "sub").mkdir()
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    report = ingest([tmp_path])
    assert [a.id for a in report.articles] == ["B", "a"]
    assert {(Path(r.path).name, r.code) for r in report.rejected} == {("dir.txt", "not_a_file"),
                                                                      ("link.txt", "broken_link")}
    assert sorted(Path(p).name for p in report.ignored) == ["notes.md", "sub"]


def test_ingest_explicit_broken_link_and_missing_path(tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    files, rejected = discover([tmp_path / "link.txt"])
    assert files == [] and [r.code for r in rejected] == ["broken_link"]
    with pytest.raises(NoInputError, match="no such file or folder"):
        ingest([tmp_path / "missing"])


def test_ingest_names_that_differ_only_in_unicode_normalisation_are_one_id(tmp_path):
    """"é" as one code point and as "e" + U+0301 (as macOS writes names) made two article ids that
    read the same in every export and message: the second is a duplicate id, and the message says why."""
    nfc, nfd = "homs_\u00e9t\u00e9", "homs_e\u0301te\u0301"
    _write(tmp_path, f"{nfc}.txt", FR.encode())
    _write(tmp_path, f"{nfd}.txt", (FR + " Autre.").encode())
    report = ingest([tmp_path])
    assert len(report.articles) == 1
    assert [r.code for r in report.rejected] == ["duplicate_id"]
    assert "once Unicode-normalised (NFC)" in report.rejected[0].problem


def test_ingest_same_stem_in_two_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _write(tmp_path / "a", "x.txt", FR.encode())
    _write(tmp_path / "b", "x.txt", (FR + "Autre.").encode())
    report = ingest([tmp_path / "b", tmp_path / "a"])
    assert [a.path for a in report.articles] == [str(tmp_path / "a" / "x.txt")]
    assert [r.code for r in report.rejected] == ["duplicate_id"]


def test_ingest_duplicates_built_once_with_alias(tmp_path):
    _write(tmp_path, "first.txt", (" date 2018-04 " + FR).encode())
    _write(tmp_path, "second.txt", (FR + "\n\n").replace("\n", "\r\n").encode())
    report = ingest([tmp_path])
    (art,) = report.articles
    assert art.id == "first" and art.also_as == ("second",)
    assert [w.code for w in report.warnings] == ["duplicate"]
    assert report.rejected == []


def test_ingest_not_french_warned_but_kept(tmp_path):
    report = ingest([_write(tmp_path, "en.txt", (EN * 2).encode()), _write(tmp_path, "fr.txt", (FR * 2).encode())])
    assert [a.id for a in report.articles] == ["en", "fr"]
    assert [(w.path, w.code) for w in report.warnings] == [(str(tmp_path / "en.txt"), "not_french")]


def test_ingest_short_text_not_judged_for_language():
    assert article_from_text("x", "Alep, Homs, Idleb.").warnings == ()


def test_ingest_notice_is_a_string_with_code():
    n = Notice("a.txt", "bad_date", "line 1: bad")
    assert n == "a.txt: line 1: bad" and n.code == "bad_date" and n.path == "a.txt"
    m = pickle.loads(pickle.dumps(n))
    assert (m, m.code, m.path) == (n, "bad_date", "a.txt")
    assert n.as_dict() == {"path": "a.txt", "code": "bad_date", "message": "a.txt: line 1: bad"}


def test_ingest_article_fields_unchanged():
    assert list(Article.__dataclass_fields__) == ["id", "text", "body_start", "published", "path", "sha256",
                                                  "warnings", "also_as", "dateline"]


@pytest.mark.parametrize(("text", "published", "dateline"), [
    ("BEYROUTH, 5 juin 2013 (AFP) - L'armée a repris Qousseir.", "2013-06-05", "BEYROUTH, 5 juin 2013 (AFP) - "),
    ("DAMAS (AFP) - Les rebelles ont avancé.", None, "DAMAS (AFP) - "),
    ("ALEP, Syrie, 12 mars 2016 (ATS) – Les rebelles", "2016-03-12", "ALEP, Syrie, 12 mars 2016 (ATS) – "),
    ("Les forces (AFP) - du régime", None, None),
    (" date 2018-04-07\nBEYROUTH, 5 juin 2013 (AFP) - x", "2018-04-07", "BEYROUTH, 5 juin 2013 (AFP) - "),
])
def test_ingest_dateline_gives_filing_date_and_span(text, published, dateline):
    art = article_from_text("d", text)
    assert (art.published.iso() if art.published else None) == published
    assert (art.text[art.dateline[0]:art.dateline[1]] if art.dateline else None) == dateline


# ----------------------------------------------------------------------------- properties

_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_headers = st.one_of(
    st.text(max_size=40),
    st.builds(lambda sp, tok, rest: f"{sp}date {tok}{rest}",
              st.sampled_from(["", " ", "\t", "\ufeff "]),
              st.from_regex(r"[0-9]{0,5}(-[0-9]{0,3}){0,3}[a-z]{0,3}", fullmatch=True),
              st.text(max_size=20)),
)


@_settings
@given(_headers)
def test_parse_header_date_never_raises(line):
    value = parse_header_date(line)
    assert value is None or isinstance(value, TimeValue)


@_settings
@given(header=_headers, body=st.text(max_size=200))
def test_article_from_text_never_raises_and_keeps_offsets(header, body):
    text = header + body
    art = article_from_text("x", text)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert art.text == expected
    assert 0 <= art.body_start <= len(art.text)
    assert art.text[art.body_start:] == art.body
    assert all(isinstance(w, Notice) for w in art.warnings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_read_article_bytes_never_crash(tmp_path, data):
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    try:
        art = read_article(p)
    except InputRejected as exc:
        assert exc.code and str(exc).startswith(str(p))
    else:
        assert art.body.strip()
