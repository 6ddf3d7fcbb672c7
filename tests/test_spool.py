"""Issue #14: extraction records spilled to a versioned line format and streamed through
resolution and emission give what records in memory give (no model needed)."""

from __future__ import annotations

import io
import json

import pytest

from kg.errors import BuildError
from kg.extract import Affiliation, EventRecord, Extraction, Mention, Toll
from kg.ingest import article_from_text
from kg.rdf.emit import emit_graphs, write_nquads
from kg.resolve import resolve
from kg.schema.spool import VERSION, ExtractionTable, SpoolWriter, check_header, decode, encode
from kg.schema.time import TimeValue
from kg.store import write_events_csv

TEXT = (" date 2016-12-22\nLes forces du régime ont repris Alep jeudi, selon l'OSDH. Abou Khaled, de Jaich "
        "al-Islam, a dit que 12 civils ont été tués à Khaldiyé, un quartier de Homs.")


def _extraction(aid: str, text: str = TEXT) -> Extraction:
    art = article_from_text(aid, text)

    def m(surface: str, kind: str, cls: str, gid: str = "", sentence: int = 0) -> Mention:
        b = text.index(surface)
        return Mention(b, b + len(surface), surface, kind, cls, gid, sentence)

    army = m("forces du régime", "actor", "StateForce", "syrian-army")
    alep = m("Alep", "place", "City", "aleppo")
    osdh = m("OSDH", "actor", "Organization", "osdh")
    person = m("Abou Khaled", "actor", "Person", sentence=1)
    group = m("Jaich al-Islam", "actor", "RebelGroup", sentence=1)
    khaldiye = m("Khaldiyé", "place", "Neighbourhood", sentence=1)
    homs = m("Homs", "place", "City", "homs", 1)
    civilians = m("civils", "actor", "Civilians", sentence=1)
    outside = Mention(0, 5, " date", "actor", "Person")  # referred to by an event, not a mention of the article
    capture = EventRecord("TerritoryCapture", ((34, 41),), alep, agents=(army,), targets=(outside,), sources=(osdh,),
                          date=TimeValue(2016, 12, 22), confidence=0.8, evidence=("Les forces du régime…",))
    toll = EventRecord("CasualtyReport", ((120, 124), (130, 135)), khaldiye, sources=(person,),
                       start_date=TimeValue(2016, 12), end_date=TimeValue(2016),
                       tolls=(Toll(12, "AtLeast", civilians, True, 110, 119), Toll(3, "Exactly", group)),
                       disputed_by=(group,), confidence=0.55, evidence=("x \"quoted\"\n", "é ’"), sentence=1)
    return Extraction(art, (army, alep, osdh, person, group, khaldiye, homs, civilians), (capture, toll),
                      affiliations=(Affiliation(person, group),), published_by=(osdh,),
                      containment=((khaldiye, homs),))


def test_spool_record_round_trips_every_field():
    ex = _extraction("a")
    line = encode(ex)
    assert "\n" not in line and json.loads(line)[0] == "a"
    back = decode(line, ex.article)
    assert back == ex
    assert back.events[1].tolls[1].group is back.mentions[4]  # one object per mention, as in the records
    with pytest.raises(BuildError, match="record of 'a' read for article 'b'"):
        decode(line, article_from_text("b", TEXT))


def test_spool_table_reads_back_in_article_order(tmp_path):
    w = SpoolWriter(tmp_path / "s.jsonl")
    exs = [_extraction(aid) for aid in ("c", "a", "b")]
    for ex in exs:
        w.add(ex)
    table = w.table()
    assert table.spilled and table.ids == ("a", "b", "c") and len(table) == 3
    assert list(table) == sorted(exs, key=lambda x: x.article.id)
    assert list(table) == list(table)  # re-iterable
    assert table[1] == exs[2]
    head = json.loads((tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert head == {"format": "kg-extractions", "version": VERSION}
    table.close()
    assert not (tmp_path / "s.jsonl").exists()


@pytest.mark.parametrize(("first", "message"), [
    ('{"format": "kg-extractions", "version": 999}\n', "version 999"),
    ('{"format": "other"}\n', "not a kg extraction spool"),
    ("garbage\n", "not a kg extraction spool"),
])
def test_spool_refuses_another_format_or_version(tmp_path, first, message):
    (tmp_path / "s.jsonl").write_text(first, encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        check_header(tmp_path / "s.jsonl")


def test_spool_writer_never_overwrites(tmp_path):
    (tmp_path / "s.jsonl").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        SpoolWriter(tmp_path / "s.jsonl")
    assert (tmp_path / "s.jsonl").read_text(encoding="utf-8") == "mine"


def _outputs(res, tmp_path, name):
    buf = io.StringIO()
    write_nquads(emit_graphs(res), buf)
    write_events_csv(None, res, tmp_path / f"{name}.csv")
    return buf.getvalue(), (tmp_path / f"{name}.csv").read_text(encoding="utf-8")


def test_spool_resolution_from_disk_equals_resolution_in_memory(tmp_path):
    exs = [_extraction(aid) for aid in ("b", "a", "c")]
    exs.append(_extraction("d", TEXT.replace("jeudi", "mercredi")))
    w = SpoolWriter(tmp_path / "s.jsonl")
    for ex in exs:
        w.add(ex)
    spilled, held = resolve(w.table()), resolve(exs)
    assert spilled.extractions.spilled and not held.extractions.spilled
    assert dict(spilled.entities) == dict(held.entities) and dict(spilled.mentions) == dict(held.mentions)
    assert spilled.coreference == held.coreference and held.coreference.shared  # events told twice
    assert _outputs(spilled, tmp_path, "spilled") == _outputs(held, tmp_path, "held")
    assert isinstance(ExtractionTable.of(exs), ExtractionTable)
