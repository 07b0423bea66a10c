"""HTTP content negotiation (RFC 9110, section 12.5.1) for the ``/id/...`` pages of `kg serve`.

:func:`choose` picks, among the media types a resource can be sent as, the one the ``Accept``
header prefers: each offer gets the quality of the most specific media range that matches it
(``text/turtle`` before ``text/*`` before ``*/*``), an offer at ``q=0`` is refused, and ties go
to the server's order. ``None`` means nothing acceptable (the caller answers 406). Media-range
parameters other than ``q`` are ignored.
"""

from __future__ import annotations


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q) triples; malformed ranges are skipped, bad q counts as 0."""
    out = []
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if media.count("/") != 1:
            continue
        major, minor = media.split("/")
        if not major or not minor or (major == "*" and minor != "*"):
            continue
        q = 1.0
        for b in bits[1:]:
            name, _, value = b.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:
                    q = 0.0
        out.append((major, minor, q))
    return out


def quality(offer: str, ranges: list[tuple[str, str, float]]) -> float:
    """The quality the ranges give ``offer`` (``type/subtype``): that of the most specific match, else 0."""
    major, minor = offer.lower().split("/")
    best, best_q = -1, 0.0
    for r_major, r_minor, q in ranges:
        if (r_major, r_minor) == (major, minor):
            spec = 2
        elif r_major == major and r_minor == "*":
            spec = 1
        elif (r_major, r_minor) == ("*", "*"):
            spec = 0
        else:
            continue
        if spec > best:
            best, best_q = spec, q
    return best_q


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The offer to send for ``accept`` (the first offer when there is no header), or None (406)."""
    if accept is None or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:  # nothing readable in the header: as if there were none
        return offers[0]
    scored = [(quality(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None
