"""Checks on a SPARQL query's text before pyoxigraph parses it.

Two things are refused here, with a one-line reason (:class:`QueryRefused`, HTTP 400):

* **Text that would crash the engine.** pyoxigraph's parser, optimizer and evaluator recurse once
  per nesting level and per chained operator; on an 8 MiB stack (pyoxigraph 0.5.13) the process
  dies with SIGSEGV at about 830 nested ``FILTER EXISTS {}``, 2,200 nested ``{}`` groups, 2,600
  ``BIND``s in a row, 4,700 nested parentheses or 6,400 ``UNION``s (about 2.5 KiB of stack per
  bracket, keyword or operator token at worst). So a query may nest brackets at most
  ``QUERY_MAX_DEPTH`` deep and hold at most ``QUERY_MAX_TOKENS`` such tokens, and queries run on a
  thread with a ``QUERY_STACK_MB`` stack (:func:`start_query_thread`),
  which holds that many tokens with a wide margin. (``kg serve`` and ``kg query`` also run every query in a worker process, so a crash
  nobody foresaw still takes only that process down.)
* **Federated queries.** ``SERVICE <iri> {...}`` makes pyoxigraph fetch the IRI over HTTP(S).
  Unless allowed, any word that the engine could read as the ``SERVICE`` keyword is refused: the
  text is tokenized like SPARQL (comments, IRIs, the four kinds of string literal and escaped
  local-name characters are skipped), and every bare word that *contains* ``SERVICE`` in any
  case counts, because pyoxigraph reads keywords without a word boundary (``1SERVICE<x>{}``,
  ``trueSERVICE``, ``service:x`` with an empty prefix all parse as federated queries). Only
  variable names, language tags, blank-node labels and the local part of prefixed names are
  exempt. The text is scanned as written and again with ``\\uXXXX`` escapes decoded (SPARQL
  allows decoding them before parsing). A prefix named like ``myservice:`` is refused too: rename
  it.

``FROM``/``FROM NAMED``, ``GRAPH``, ``DESCRIBE`` and IRIs used as function names do not fetch
anything in pyoxigraph (checked by the tests); ``LOAD`` is an update, which ``Store.query`` refuses.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from kg.config import QUERY_MAX_DEPTH, QUERY_MAX_TOKENS, QUERY_STACK_MB
from kg.errors import KgError

SERVICE_REFUSED = ("federated query (SERVICE) refused: it would make this machine fetch other addresses "
                   "(use --allow-service to allow it)")

_SKIPPED = r"""
        \#[^\r\n]*                                # comment
      | <[^<>"{}|^`\\\x00-\x20]*>                 # IRI
      | \\[_~.\-!$&'()*+,;=/?\#@%]                # an escaped character in a local name
"""
_STRINGS = r"""
      | '''(?:(?:''|')?(?:[^'\\]|\\.))*'''          # long strings
      | \"\"\"(?:(?:\"\"|\")?(?:[^"\\]|\\.))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'                     # short strings
      | "(?:[^"\\\n\r]|\\.)*"
"""
_REST = r"""
  | (?P<word>[\w-]+)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>[\s\S])                             # any other character, one at a time
"""
_TOKENS = re.compile(r"(?P<space>\s+) | (?P<skip>" + _SKIPPED + _STRINGS + ")" + _REST, re.VERBOSE)
#: After a quote that opens no string (the engine cannot parse such a text anyway), quotes are
#: plain characters: what follows is scanned as syntax, which can only find more, and no quote
#: is tried again to the end of the text (that would cost quadratic time).
_TOKENS_NO_STRINGS = re.compile(r"(?P<space>\s+) | (?P<skip>" + _SKIPPED + ")" + _REST, re.VERBOSE)
_NUMBER = re.compile(r"[+-]?\d")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NOT_KEYWORD_AFTER = "?$@:"  # a word after these is a variable, a language tag or a local name
_UPDATE_START = re.compile(
    r"^\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_COMMENT = re.compile(r"#[^\n]*")


class QueryRefused(KgError):
    """A query refused before it reaches the engine (always a client error: HTTP 400)."""

    status = 400


def check_query(text: str, allow_service: bool = False, max_depth: int = QUERY_MAX_DEPTH,
                max_tokens: int = QUERY_MAX_TOKENS) -> None:
    """Refuse ``text`` if it could crash the engine or, unless ``allow_service``, fetch anything.

    Parameters
    ----------
    text : str
        The SPARQL query.
    allow_service : bool
        Let ``SERVICE`` through (``kg serve`` and ``kg query`` take ``--allow-service``).
    max_depth, max_tokens : int
        The bracket nesting and the bracket/keyword/operator token count allowed.

    Raises
    ------
    QueryRefused
        With a one-line reason.
    """
    texts = [text]
    decoded = _CODEPOINT.sub(_decode, text) if "\\u" in text or "\\U" in text else text
    if decoded != text:
        texts.append(decoded)
    for t in texts:
        depth, tokens, service = _scan(t, max_depth, max_tokens)
        if depth > max_depth:
            raise QueryRefused(f"query refused: brackets nest more than {max_depth} deep "
                               f"(the limit this engine is safe with); simplify it")
        if tokens > max_tokens:
            raise QueryRefused(f"query refused: more than {max_tokens:,} keywords, brackets and operators "
                               f"(the limit this engine is safe with); split it up")
        if service and not allow_service:
            raise QueryRefused(SERVICE_REFUSED)


def looks_like_update(text: str) -> bool:
    """True when ``text`` (after its prologue and comments) starts like a SPARQL Update."""
    return bool(_UPDATE_START.match(_COMMENT.sub("", text)))


def _decode(m: re.Match) -> str:
    cp = int(m.group(1) or m.group(2), 16)
    return chr(cp) if cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF else m.group(0)


def _scan(text: str, max_depth: int, max_tokens: int) -> tuple[int, int, bool]:
    """(deepest bracket nesting, bracket/keyword/operator tokens, a possible SERVICE keyword).

    Stops early once a limit is passed, so a huge text costs no more than the limits allow.
    """
    depth = deepest = tokens = pos = 0
    service = False
    tokenizer = _TOKENS
    while pos < len(text):
        m = tokenizer.match(text, pos)
        pos = m.end()
        kind = m.lastgroup
        if kind in ("space", "skip"):
            continue
        if kind == "word":
            word = m.group()
            if m.start() and text[m.start() - 1] in _NOT_KEYWORD_AFTER:
                continue
            if "SERVICE" in unicodedata.normalize("NFKC", word).upper():
                service = True
            if _NUMBER.match(word):
                continue
        elif kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > max_depth:
                    break
        elif kind == "close":
            depth = max(0, depth - 1)
        elif m.group() in "'\"":
            tokenizer = _TOKENS_NO_STRINGS
        tokens += 1
        if tokens > max_tokens:
            break
    return deepest, tokens, service


_STACK_LOCK = threading.Lock()


def start_query_thread(target, name: str = "kg-query") -> threading.Thread:
    """Start ``target`` on a daemon thread whose stack holds any query :func:`check_query` passes."""
    with _STACK_LOCK:  # the stack size is process-wide and read when a thread starts
        old = threading.stack_size(QUERY_STACK_MB << 20)
        try:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
    return thread
