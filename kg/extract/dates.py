"""When: the date, start or span of an event from the time expressions of its sentence."""

from __future__ import annotations

from kg.extract.clauses import Trigger
from kg.extract.context import ArticleContext
from kg.lang.fr.timex import TimeMention
from kg.schema.time import TimeValue

__all__ = ["dates", "report_dates", "Dates"]

Dates = tuple[TimeValue | None, TimeValue | None, TimeValue | None]  # (date, start, end)


def _token_ids(ctx: ArticleContext, tm: TimeMention) -> set[int]:
    span = ctx.doc.char_span(tm.start, tm.end, alignment_mode="expand")
    return {t.i for t in span} if span is not None else set()


def dates(ctx: ArticleContext, tr: Trigger, si: int) -> Dates:
    """(date, start, end) of a cue: the time expression in its clause nearest to it, else one elsewhere
    in the sentence that no other event's clause holds ("a annoncé samedi que …")."""
    sent = ctx.sents[si]
    in_sent = [tm for tm in ctx.times if sent.start_char <= tm.start < sent.end_char]
    if not in_sent:
        return None, None, None
    chosen = [tm for tm in in_sent if _token_ids(ctx, tm) & tr.scope]
    if not chosen:
        chosen = [tm for tm in in_sent if not _token_ids(ctx, tm) & tr.others]
    if not chosen:
        return None, None, None
    head_idx = tr.head(ctx).idx
    tm = min(chosen, key=lambda x: abs(x.start - head_idx))
    if tm.value is None:
        return None, None, None
    if tm.kind == "since":
        return None, tm.value, None
    if tm.kind == "span":
        return None, tm.value, tm.end_value
    if tm.kind == "point":
        return tm.value, None, None
    return None, None, None


def report_dates(ctx: ArticleContext, si: int) -> Dates:
    """(date, start, None) of a casualty report: the first resolved time expression of its sentence."""
    sent = ctx.sents[si]
    in_sent = [tm for tm in ctx.times if sent.start_char <= tm.start < sent.end_char and tm.value is not None]
    if not in_sent:
        return None, None, None
    tm = in_sent[0]
    if tm.kind == "point":
        return tm.value, None, None
    if tm.kind == "since":
        return None, tm.value, None
    return None, None, None
