"""A lean loop over a lark LALR parser's own tables: the same parse, with less of lark's per-token machinery.

lark's LALR parser reads its tables through several layers per token (a
lexer thread, a parser state, a contextual lexer, rule objects hashed by
their Python ``__hash__`` for every reduction); for short texts, such as the
formulas of claims, that costs more than the tables themselves. A
:class:`Driver` is built once from a parser lark built (``parser="lalr"``,
the contextual lexer, a transformer given to lark) and then parses with the
very tables, regular expressions and callbacks lark uses, in one loop.

Exact: the loop does what lark 1.x does, step for step. The terminal read
next is matched by the scanner of the lexer lark keeps for the state on top
of the stack (the contextual lexer's choice), with the same regular
expressions tried in the same order; ignored terminals are skipped; a
token carries the same type, text, places and line counts (lark's
``LineCounter`` rule). Each token is fed as ``ParserState.feed_token`` feeds
it: shifts and reductions from the same table, each reduction calling lark's
callback for its rule on the same children; at the end, ``$END`` is fed
until the start symbol's end state. Anything the loop does not know how to
do as lark does (no terminal matches, the table has no action, a lexer with
terminal callbacks, a grammar with a postlexer) raises :class:`NotParsed`
and the caller parses with lark itself, whose answer (or error) is the one
given. ``tests/cover/test_lalr.py`` checks the driver against lark on
generated formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lark
from lark.lexer import Token
from lark.parsers.lalr_analysis import Shift


class NotParsed(Exception):
    """The driver does not parse this text as lark would: parse it with lark."""


_Action = tuple[bool, Any, Any]  # (shift?, the next state or the rule's length, (callback, rule's origin))


class Driver:
    """Parses texts from ``start`` with the tables of ``parser`` (see the module's docstring)."""

    def __init__(self, parser: lark.Lark, start: str) -> None:
        frontend: Any = parser.parser
        inner: Any = frontend.parser.parser  # lark's _Parser: the parse table and the callbacks
        if parser.options.postlex is not None or parser.options.lexer != "contextual":
            raise NotParsed("only lark's contextual lexer, without a postlexer, is driven")
        table = inner.parse_table
        callbacks = inner.callbacks
        self._start = table.start_states[start]
        self._end = table.end_states[start]
        self._actions: dict[int, dict[str, _Action]] = {}
        for state, acts in table.states.items():
            # keyed by plain strings: lark's names may be its Tokens, whose Python ``__eq__`` a lookup would call
            # (a rule's name is lower case, a terminal's upper case: no two names of a state are one string)
            self._actions[state] = {
                str(t): (True, arg, None)
                if action is Shift
                else (False, len(arg.expansion), (callbacks[arg], str(arg.origin.name)))
                for t, (action, arg) in acts.items()
            }
            if len(self._actions[state]) != len(acts):
                raise NotParsed("two names of one state are one string")
        self._token_callbacks: dict[str, Callable[[Token], Any]] = {
            t: cb for t, cb in callbacks.items() if isinstance(t, str)
        }
        self._lexers = frontend.lexer.lexers  # lark's lexer for each parser state
        self._scanners: dict[int, tuple[list[Any], frozenset[str], frozenset[str]]] = {}

    def _scanner(self, state: int) -> tuple[list[Any], frozenset[str], frozenset[str]]:
        """The regular expressions, ignored terminals and newline terminals of the lexer of ``state``."""
        made = self._scanners.get(state)
        if made is None:
            lexer = self._lexers[state]
            scanner = lexer.scanner  # built by lark, with its callbacks, on first use
            if lexer.callback:
                raise NotParsed("a lexer with terminal callbacks")
            made = self._scanners[state] = (list(scanner._mres), lexer.ignore_types, lexer.newline_types)
        return made

    def parse(self, text: str) -> Any:
        """What lark's ``parse(text, start=...)`` returns, or :class:`NotParsed`."""
        actions = self._actions
        token_callbacks = self._token_callbacks
        states = [self._start]
        values: list[Any] = []
        pos, line, line_start, end = 0, 1, 0, len(text)
        while True:
            token = None
            while pos < end:  # lark's BasicLexer.next_token, in the lexer of the state on top
                mres, ignore, newline = self._scanner(states[-1])
                for mre in mres:
                    m = mre.match(text, pos, end)
                    if m:
                        break
                else:
                    raise NotParsed("no terminal matches here")
                value, kind = m.group(0), m.lastgroup
                assert kind is not None
                start_line, start_column = line, pos - line_start + 1
                if kind in newline:
                    count = value.count("\n")
                    if count:
                        line += count
                        line_start = pos + value.rindex("\n") + 1
                token_start = pos
                pos += len(value)
                if kind in ignore:
                    continue
                token = Token(kind, value, token_start, start_line, start_column, line, pos - line_start + 1, pos)
                break
            if token is None:
                break
            while True:  # lark's ParserState.feed_token
                action = actions[states[-1]].get(kind)
                if action is None:
                    raise NotParsed("no action for this terminal here")
                shift, arg, reduce = action
                if shift:
                    states.append(arg)
                    values.append(token if kind not in token_callbacks else token_callbacks[kind](token))
                    break
                self._reduce(states, values, arg, reduce)
        while True:  # the end: reduce until the start symbol's end state
            action = actions[states[-1]].get("$END")
            if action is None or action[0]:
                raise NotParsed("the text ends too soon")
            self._reduce(states, values, action[1], action[2])
            if states[-1] == self._end:
                return values[-1]

    def _reduce(self, states: list[int], values: list[Any], size: int, reduce: tuple[Any, str]) -> None:
        callback, origin = reduce
        if size:
            children = values[-size:]
            del states[-size:]
            del values[-size:]
        else:
            children = []
        value = callback(children)
        goto = self._actions[states[-1]].get(origin)
        if goto is None or not goto[0]:
            raise NotParsed("no goto for this rule here")
        states.append(goto[1])
        values.append(value)
