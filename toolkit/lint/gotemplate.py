"""Go's text/template parser, ported: for any template text, what ``template.New(name).Funcs(funcs).Parse(text)``
decides with the Go that current Prometheus 3 releases are built with (1.25): nothing, or
:class:`TemplateSyntaxError` with Go's message and line.

A port of src/text/template/parse as of Go 1.25 (lex.go, parse.go and the literal checks of node.go: ``{{else
with}}`` (Go 1.23), ``break``/``continue``, the trim markers, at most 10,000 nested parentheses (Go 1.25,
golang/go#71201) and 100,000 commands in a pipeline), state by state, with Go's strconv and fmt rules for
numbers, strings, characters and complex constants. Only the decision is kept: the parser builds no tree
beyond what its checks read.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Collection

__all__ = ["TemplateSyntaxError", "parse"]


class TemplateSyntaxError(ValueError):
    """A template Go refuses to parse: ``str()`` is Go's error, ``template: NAME:LINE: MESSAGE``."""

    def __init__(self, name: str, line: int, message: str) -> None:
        super().__init__(f"template: {name}:{line}: {message}")
        self.name, self.line, self.message = name, line, message


def parse(text: str, name: str, functions: Collection[str], declared: Collection[str] = ()) -> frozenset[str]:
    """Parse ``text`` as Go's ``template.New(name).Funcs(...).Parse(text)`` does with the functions named
    ``functions`` (Go's builtins are not added: name them): the names of the templates it defines, or
    :class:`TemplateSyntaxError`. ``declared`` variables (``$labels``) are parsed as if actions on the
    text's first line, before it, had declared them (``{{$labels := .Labels}}``), without parsing those."""
    trees: dict[str, bool] = {}  # template name -> its tree is empty (Go's treeSet)
    limit = sys.getrecursionlimit()  # room for Go's 10,000 nested parentheses (Python calls Python without
    sys.setrecursionlimit(max(limit, FRAMES_PER_PAREN * MAX_STACK_DEPTH + 1000))  # using the C stack)
    try:
        main = _Tree(name, name, _Lexer(text, functions), frozenset(functions), trees)
        main.vars.extend(declared)
        main.empty = not declared  # the declaring actions are the template's first nodes
        main.parse_main()
    finally:
        sys.setrecursionlimit(limit)
    return frozenset(trees)


# lex.go: item types (the keywords after KEYWORD)
(
    ERROR,
    BOOL,
    CHAR,
    CHAR_CONSTANT,
    COMMENT,
    COMPLEX,
    ASSIGN,
    DECLARE,
    EOF,
    FIELD,
    IDENTIFIER,
    LEFT_DELIM,
    LEFT_PAREN,
    NUMBER,
    PIPE,
    RAW_STRING,
    RIGHT_DELIM,
    RIGHT_PAREN,
    SPACE,
    STRING,
    TEXT,
    VARIABLE,
    KEYWORD,
    BLOCK,
    BREAK,
    CONTINUE,
    DOT,
    DEFINE,
    ELSE,
    END,
    IF,
    NIL,
    RANGE,
    TEMPLATE,
    WITH,
) = range(35)
KEYWORDS = {
    ".": DOT,
    "block": BLOCK,
    "break": BREAK,
    "continue": CONTINUE,
    "define": DEFINE,
    "else": ELSE,
    "end": END,
    "if": IF,
    "range": RANGE,
    "nil": NIL,
    "template": TEMPLATE,
    "with": WITH,
}
LEFT, RIGHT, LEFT_COMMENT, RIGHT_COMMENT = "{{", "}}", "/*", "*/"
TRIMMED_RIGHT = "-" + RIGHT
SPACES = " \t\r\n"
TERMINATORS = frozenset(SPACES + ".,|:)(")  # what may follow an identifier, besides the end and "}}"
EOF_RUNE = ""  # what _Lexer.next gives at the end of the input
MAX_STACK_DEPTH = 10000  # parse.go: nested parenthesized expressions
FRAMES_PER_PAREN = 5  # Python frames a nesting level takes: term, pipeline, command, operand
MAX_PIPELINE_CMDS = 100000  # parse.go: commands of one pipeline
OPERAND_START = frozenset(
    {
        BOOL,
        CHAR_CONSTANT,
        COMPLEX,
        DOT,
        FIELD,
        IDENTIFIER,
        NUMBER,
        NIL,
        RAW_STRING,
        STRING,
        VARIABLE,
        LEFT_PAREN,
    }
)


class _Item:
    __slots__ = ("typ", "val", "line")

    def __init__(self, typ: int, val: str, line: int) -> None:
        self.typ, self.val, self.line = typ, val, line

    def __str__(self) -> str:
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return f"<{self.val}>"
        if len(self.val.encode("utf-8", "surrogatepass")) > 10:
            return f"{go_quote(self.val[:10])}..."
        return go_quote(self.val)


def _is_space(r: str) -> bool:
    return r != EOF_RUNE and r in SPACES


def _is_alphanumeric(r: str) -> bool:
    return r == "_" or r.isalpha() or r.isdecimal()


def _left_trim_marker(text: str, at: int) -> bool:
    return text[at : at + 1] == "-" and _is_space(text[at + 1 : at + 2])


def _right_trim_marker(text: str, at: int) -> bool:
    return _is_space(text[at : at + 1]) and text[at + 1 : at + 2] == "-"


_WORD = re.compile(r"[A-Za-z0-9_]*")  # the ASCII run of an identifier, read at once
# the run of a quoted string or character constant without its quote, a backslash or a newline, read at once
_QUOTED_RUN = {quote: re.compile(rf"[^{quote}\\\n]*") for quote in "\"'"}


class _Lexer:
    """lex.go's lexer: ``next_item`` runs the states until one gives an item."""

    __slots__ = (
        "input",
        "pos",
        "start",
        "at_eof",
        "paren_depth",
        "line",
        "start_line",
        "item",
        "inside_action",
        "break_ok",
        "continue_ok",
    )

    def __init__(self, text: str, functions: Collection[str]) -> None:
        self.input, self.pos, self.start, self.at_eof = text, 0, 0, False
        self.paren_depth, self.line, self.start_line = 0, 1, 1
        self.item = _Item(EOF, "EOF", 1)
        self.inside_action = False
        self.break_ok, self.continue_ok = "break" not in functions, "continue" not in functions

    def next(self) -> str:
        if self.pos >= len(self.input):
            self.at_eof = True
            return EOF_RUNE
        r = self.input[self.pos]
        self.pos += 1
        if r == "\n":
            self.line += 1
        return r

    def peek(self) -> str:
        r = self.next()
        self.backup()
        return r

    def backup(self) -> None:
        if not self.at_eof and self.pos > 0:
            self.pos -= 1
            if self.input[self.pos] == "\n":
                self.line -= 1

    def this_item(self, typ: int) -> _Item:
        item = _Item(typ, self.input[self.start : self.pos], self.start_line)
        self.start, self.start_line = self.pos, self.line
        return item

    def emit(self, typ: int) -> None:
        self.item = self.this_item(typ)

    def ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start, self.start_line = self.pos, self.line

    def accept(self, valid: str) -> bool:
        r = self.next()
        if r != EOF_RUNE and r in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while (r := self.next()) != EOF_RUNE and r in valid:
            pass
        self.backup()

    def errorf(self, message: str) -> None:
        self.item = _Item(ERROR, message, self.start_line)
        self.start = self.pos = 0
        self.input = ""

    def next_item(self) -> _Item:
        state: Callable[[], object] | None = self.lex_inside_action if self.inside_action else self.lex_text
        while state is not None:
            state = state()  # type: ignore[assignment]
        return self.item

    def at_right_delim(self) -> tuple[bool, bool]:
        if self.input.startswith(TRIMMED_RIGHT, self.pos + 1) and _is_space(self.input[self.pos]):
            return True, True
        return self.input.startswith(RIGHT, self.pos), False

    def at_terminator(self) -> bool:
        if self.pos >= len(self.input):
            self.at_eof = True  # as peek() at the end
            return True
        return self.input[self.pos] in TERMINATORS or self.input.startswith(RIGHT, self.pos)

    # states: each returns the next state, or None once it has set self.item

    def lex_text(self):
        text = self.input
        x = text.find(LEFT, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                if _left_trim_marker(text, x + len(LEFT)):
                    trim = (x - self.start) - len(text[self.start : x].rstrip(SPACES))
                self.pos -= trim
                self.line += text.count("\n", self.start, self.pos)
                item = self.this_item(TEXT)
                self.pos += trim
                self.ignore()
                if item.val:
                    self.item = item
                    return None
            return self.lex_left_delim
        self.pos = len(text)
        if self.pos > self.start:
            self.line += text.count("\n", self.start, self.pos)
            return self.emit(TEXT)
        return self.emit(EOF)

    def lex_left_delim(self):
        self.pos += len(LEFT)
        after_marker = 2 if _left_trim_marker(self.input, self.pos) else 0
        if self.input.startswith(LEFT_COMMENT, self.pos + after_marker):
            self.pos += after_marker
            self.ignore()
            return self.lex_comment
        item = self.this_item(LEFT_DELIM)
        self.inside_action = True
        self.pos += after_marker
        self.ignore()
        self.paren_depth = 0
        self.item = item
        return None

    def lex_comment(self):
        self.pos += len(LEFT_COMMENT)
        x = self.input.find(RIGHT_COMMENT, self.pos)
        if x < 0:
            return self.errorf("unclosed comment")
        self.pos = x + len(RIGHT_COMMENT)
        delim, trim_space = self.at_right_delim()
        if not delim:
            return self.errorf("comment ends before closing delimiter")
        self.line += self.input.count("\n", self.start, self.pos)
        self.this_item(COMMENT)  # comments are not emitted (no ParseComments)
        self.pos += (2 if trim_space else 0) + len(RIGHT)
        if trim_space:
            self.pos = len(self.input) - len(self.input[self.pos :].lstrip(SPACES))
        self.ignore()
        return self.lex_text

    def lex_right_delim(self):
        _, trim_space = self.at_right_delim()
        if trim_space:
            self.pos += 2
            self.ignore()
        self.pos += len(RIGHT)
        item = self.this_item(RIGHT_DELIM)
        if trim_space:
            self.pos = len(self.input) - len(self.input[self.pos :].lstrip(SPACES))
            self.ignore()
        self.inside_action = False
        self.item = item
        return None

    def lex_inside_action(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            return self.errorf("unclosed left paren")
        r = self.next()
        if r == EOF_RUNE:
            return self.errorf("unclosed action")
        if _is_space(r):
            self.backup()  # put the space back in case we have " -}}"
            return self.lex_space
        if r == "=":
            return self.emit(ASSIGN)
        if r == ":":
            if self.next() != "=":
                return self.errorf("expected :=")
            return self.emit(DECLARE)
        if r == "|":
            return self.emit(PIPE)
        if r == '"':
            return self.lex_quote
        if r == "`":
            return self.lex_raw_quote
        if r == "$":
            return self.lex_variable
        if r == "'":
            return self.lex_char
        if r == "." and self.pos < len(self.input) and not "0" <= self.input[self.pos] <= "9":
            return self.lex_field
        if r in "+-." or "0" <= r <= "9":
            self.backup()
            return self.lex_number
        if _is_alphanumeric(r):
            self.backup()
            return self.lex_identifier
        if r == "(":
            self.paren_depth += 1
            return self.emit(LEFT_PAREN)
        if r == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self.errorf("unexpected right paren")
            return self.emit(RIGHT_PAREN)
        if " " <= r <= "~":  # printable ASCII
            return self.emit(CHAR)
        return self.errorf(f"unrecognized character in action: {go_rune(r)}")

    def lex_space(self):
        spaces = 0
        while _is_space(self.peek()):
            self.next()
            spaces += 1
        # a trim-marked closing delimiter starts with a space: " -}}"
        if _right_trim_marker(self.input, self.pos - 1) and self.input.startswith(RIGHT, self.pos + 1):
            self.backup()  # before the space
            if spaces == 1:
                return self.lex_right_delim
        return self.emit(SPACE)

    def _absorb_alphanumerics(self) -> str:
        """Read the run of letters, digits and underscores here (never a newline); the rune after it."""
        self.pos = _WORD.match(self.input, self.pos).end()
        while True:
            r = self.next()
            if not _is_alphanumeric(r):
                self.backup()
                return r

    def lex_identifier(self):
        r = self._absorb_alphanumerics()
        word = self.input[self.start : self.pos]
        if not self.at_terminator():
            return self.errorf(f"bad character {go_rune(r)}")
        keyword = KEYWORDS.get(word)
        if keyword is not None:
            if (keyword == BREAK and not self.break_ok) or (keyword == CONTINUE and not self.continue_ok):
                return self.emit(IDENTIFIER)
            return self.emit(keyword)
        if word in ("true", "false"):
            return self.emit(BOOL)
        return self.emit(IDENTIFIER)

    def lex_field(self):
        return self.lex_field_or_variable(FIELD)

    def lex_variable(self):
        if self.at_terminator():  # nothing interesting follows: "$"
            return self.emit(VARIABLE)
        return self.lex_field_or_variable(VARIABLE)

    def lex_field_or_variable(self, typ: int):
        if self.at_terminator():  # nothing interesting follows: "." or "$"
            return self.emit(VARIABLE if typ == VARIABLE else DOT)
        r = self._absorb_alphanumerics()
        if not self.at_terminator():
            return self.errorf(f"bad character {go_rune(r)}")
        return self.emit(typ)

    def _lex_quoted(self, quote: str, item: int, unterminated: str):
        plain = _QUOTED_RUN[quote]
        while True:
            self.pos = plain.match(self.input, self.pos).end()  # what the loop would pass over, at once
            r = self.next()
            if r == "\\":
                if self.next() not in (EOF_RUNE, "\n"):
                    continue
                return self.errorf(unterminated)
            if r in (EOF_RUNE, "\n"):
                return self.errorf(unterminated)
            if r == quote:
                return self.emit(item)

    def lex_char(self):
        return self._lex_quoted("'", CHAR_CONSTANT, "unterminated character constant")

    def lex_quote(self):
        return self._lex_quoted('"', STRING, "unterminated quoted string")

    def lex_raw_quote(self):
        end = self.input.find("`", self.pos)
        if end < 0:
            self.pos = len(self.input)
            return self.errorf("unterminated raw quoted string")
        self.line += self.input.count("\n", self.pos, end)
        self.pos = end + 1
        return self.emit(RAW_STRING)

    def lex_number(self):
        if not self.scan_number():
            return self.errorf(f"bad number syntax: {go_quote(self.input[self.start : self.pos])}")
        if self.peek() in ("+", "-"):  # complex: 1+2i, no spaces, must end in 'i'
            if not self.scan_number() or self.input[self.pos - 1] != "i":
                return self.errorf(f"bad number syntax: {go_quote(self.input[self.start : self.pos])}")
            return self.emit(COMPLEX)
        return self.emit(NUMBER)

    def scan_number(self) -> bool:
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):  # a leading 0 does not mean octal in floats
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 10 + 1 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 16 + 6 + 1 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")  # imaginary
        if _is_alphanumeric(self.peek()):  # the next thing must not be alphanumeric
            self.next()
            return False
        return True


# parse.go: the node kinds the checks read
TEXT_NODE, ACTION_NODE, END_NODE, ELSE_NODE = "text", "action", "{{end}}", "{{else}}"
BOOL_NODE, DOT_NODE, NIL_NODE, NUMBER_NODE, STRING_NODE = "bool", "dot", "nil", "number", "string"
FIELD_NODE, VARIABLE_NODE, CHAIN_NODE, PIPE_NODE, IDENTIFIER_NODE = (
    "field",
    "variable",
    "chain",
    "pipe",
    "ident",
)
LITERALS = frozenset({BOOL_NODE, DOT_NODE, NIL_NODE, NUMBER_NODE, STRING_NODE})  # not executable
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class _Node:
    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind, self.text = kind, text


ACTION, END_MARK, ELSE_MARK = _Node(ACTION_NODE), _Node(END_NODE), _Node(ELSE_NODE)


class _Tree:
    """parse.go's Tree, for one template: the main one or one that {{define}} or {{block}} makes."""

    __slots__ = (
        "name",
        "parse_name",
        "lex",
        "funcs",
        "tree_set",
        "token",
        "peek_count",
        "vars",
        "action_line",
        "range_depth",
        "stack_depth",
        "empty",
    )

    def __init__(
        self, name: str, parse_name: str, lex: _Lexer, funcs: frozenset[str], tree_set: dict[str, bool]
    ) -> None:
        self.name, self.parse_name, self.lex, self.funcs, self.tree_set = (
            name,
            parse_name,
            lex,
            funcs,
            tree_set,
        )
        self.token: list[_Item] = [lex.item, lex.item, lex.item]
        self.peek_count = 0
        self.vars = ["$"]
        self.action_line = self.range_depth = self.stack_depth = 0
        self.empty = True  # IsEmptyTree of the root

    # tokens

    def next(self) -> _Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.token[0] = self.lex.next_item()
        return self.token[self.peek_count]

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: _Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: _Item, t1: _Item) -> None:
        self.token[1], self.token[2] = t1, t2
        self.peek_count = 3

    def peek(self) -> _Item:
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[0] = self.lex.next_item()
        return self.token[0]

    def next_non_space(self) -> _Item:
        while (token := self.next()).typ == SPACE:
            pass
        return token

    def peek_non_space(self) -> _Item:
        token = self.next_non_space()
        self.backup()
        return token

    # errors

    def errorf(self, message: str):
        raise TemplateSyntaxError(self.parse_name, self.token[0].line, message)

    def expect(self, expected: int, context: str) -> _Item:
        token = self.next_non_space()
        if token.typ != expected:
            self.unexpected(token, context)
        return token

    def unexpected(self, token: _Item, context: str):
        if token.typ == ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != token.line:
                extra = f" in action started at {self.parse_name}:{self.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]  # avoid "action in action"
            self.errorf(f"{token.val}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    # the grammar

    def append(self, node: _Node) -> None:
        if node.kind != TEXT_NODE or node.text.strip(GO_SPACE):
            self.empty = False

    def add(self) -> None:
        """Install this tree in the set (an empty tree neither replaces nor clashes with another)."""
        before = self.tree_set.get(self.name)
        if before is None or before:
            self.tree_set[self.name] = self.empty
        elif not self.empty:
            self.errorf(f"template: multiple definition of template {go_quote(self.name)}")

    def parse_main(self) -> None:
        self.peek()
        while self.peek().typ != EOF:
            if self.peek().typ == LEFT_DELIM:
                delim = self.next()
                if self.next_non_space().typ == DEFINE:
                    _Tree(
                        "definition", self.parse_name, self.lex, self.funcs, self.tree_set
                    ).parse_definition()
                    continue
                self.backup2(delim)
            node = self.text_or_action()
            if node.kind in (END_NODE, ELSE_NODE):
                self.errorf(f"unexpected {node.kind}")
            self.append(node)
        self.add()

    def parse_definition(self) -> None:
        context = "define clause"
        token = self.next_non_space()
        if token.typ not in (STRING, RAW_STRING):
            self.unexpected(token, context)
        self.name = self.unquote(token.val)
        self.expect(RIGHT_DELIM, context)
        end = self.item_list()
        if end.kind != END_NODE:
            self.errorf(f"unexpected {end.kind} in {context}")
        self.add()

    def item_list(self) -> _Node:
        """Text and actions up to {{end}} or {{else}}, which it gives."""
        while self.peek_non_space().typ != EOF:
            node = self.text_or_action()
            if node.kind in (END_NODE, ELSE_NODE):
                return node
            self.append(node)
        self.errorf("unexpected EOF")

    def text_or_action(self) -> _Node:
        token = self.next_non_space()
        if token.typ == TEXT:
            return _Node(TEXT_NODE, token.val)
        if token.typ == LEFT_DELIM:
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(token, "input")

    def action(self) -> _Node:
        token = self.next_non_space()
        typ = token.typ
        if typ == BLOCK:
            return self.block_control()
        if typ in (BREAK, CONTINUE):
            return self.break_control(token.val)
        if typ == ELSE:
            return self.else_control()
        if typ == END:
            self.expect(RIGHT_DELIM, "end")
            return END_MARK
        if typ in (IF, RANGE, WITH):
            return self.parse_control(token.val)
        if typ == TEMPLATE:
            return self.template_control()
        self.backup()
        self.pipeline("command", RIGHT_DELIM)  # variables declared here persist until "end"
        return ACTION

    def break_control(self, keyword: str) -> _Node:
        token = self.next_non_space()
        if token.typ != RIGHT_DELIM:
            self.unexpected(token, f"{{{{{keyword}}}}}")
        if self.range_depth == 0:
            self.errorf(f"{{{{{keyword}}}}} outside {{{{range}}}}")
        return ACTION

    def pipeline(self, context: str, end: int) -> None:
        self.peek_non_space()
        declared = 0
        while (variable := self.peek_non_space()).typ == VARIABLE:  # declarations or assignments
            self.next()
            after_variable = self.peek()
            following = self.peek_non_space()
            if following.typ in (ASSIGN, DECLARE):
                self.next_non_space()
                declared += 1
                self.vars.append(variable.val)
            elif following.typ == CHAR and following.val == ",":
                self.next_non_space()
                declared += 1
                self.vars.append(variable.val)
                if context == "range" and declared < 2:
                    if self.peek_non_space().typ in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue  # the second variable of a range
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after_variable.typ == SPACE:
                self.backup3(variable, after_variable)
            else:
                self.backup2(variable)
            break
        commands: list[str] = []  # the kind of each command's first argument
        while True:
            token = self.next_non_space()
            if token.typ == end:
                self.check_pipeline(commands, context)
                return
            if token.typ in OPERAND_START:
                self.backup()
                commands.append(self.command())
                if len(commands) > MAX_PIPELINE_CMDS:
                    self.errorf("pipeline too long")
            else:
                self.unexpected(token, context)

    def check_pipeline(self, commands: list[str], context: str) -> None:
        if not commands:
            self.errorf(f"missing value for {context}")
        for stage, first in enumerate(commands[1:], 2):  # only the first command may start with a literal
            if first in LITERALS:
                self.errorf(f"non executable command in pipeline stage {stage}")

    def parse_control(self, context: str) -> _Node:
        declared = len(self.vars)
        try:
            self.pipeline(context, RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            following = self.item_list()
            if context == "range":
                self.range_depth -= 1
            if following.kind == ELSE_NODE:
                # {{else if ...}} and {{else with ...}} are {{else}}{{if ...}}...{{end}}{{end}}
                if context in ("if", "with") and self.peek().typ == (IF if context == "if" else WITH):
                    self.next()
                    self.parse_control(context)
                elif (following := self.item_list()).kind != END_NODE:
                    self.errorf(f"expected end; found {following.kind}")
        finally:
            del self.vars[declared:]
        return ACTION

    def else_control(self) -> _Node:
        if self.peek_non_space().typ not in (IF, WITH):
            self.expect(RIGHT_DELIM, "else")
        return ELSE_MARK

    def block_control(self) -> _Node:
        context = "block clause"
        name = self.template_name(self.next_non_space(), context)
        self.pipeline(context, RIGHT_DELIM)
        block = _Tree(name, self.parse_name, self.lex, self.funcs, self.tree_set)
        end = block.item_list()
        if end.kind != END_NODE:
            self.errorf(f"unexpected {end.kind} in {context}")
        block.add()
        return ACTION

    def template_control(self) -> _Node:
        context = "template clause"
        self.template_name(self.next_non_space(), context)
        if self.next_non_space().typ != RIGHT_DELIM:
            self.backup()
            self.pipeline(context, RIGHT_DELIM)
        return ACTION

    def template_name(self, token: _Item, context: str) -> str:
        if token.typ not in (STRING, RAW_STRING):
            self.unexpected(token, context)
        return self.unquote(token.val)

    def unquote(self, quoted: str) -> str:
        value = go_unquote(quoted)
        if value is None:
            self.errorf("invalid syntax")
        return value

    def command(self) -> str:
        """One command of a pipeline: the kind of its first argument."""
        first = None
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None and first is None:
                first = operand.kind
            token = self.next()
            if token.typ == SPACE:
                continue
            if token.typ in (RIGHT_DELIM, RIGHT_PAREN):
                self.backup()
            elif token.typ != PIPE:
                self.unexpected(token, "operand")
            break
        if first is None:
            self.errorf("empty command")
        return first

    def operand(self) -> _Node | None:
        node = self.term()
        if node is None or self.peek().typ != FIELD:
            return node
        while self.peek().typ == FIELD:
            self.next()
        if node.kind in (FIELD_NODE, VARIABLE_NODE):
            return node
        if node.kind in LITERALS:
            self.errorf(f"unexpected . after term {go_quote(node.text)}")
        return _Node(CHAIN_NODE)

    def term(self) -> _Node | None:
        token = self.next_non_space()
        typ = token.typ
        if typ == IDENTIFIER:
            if token.val not in self.funcs:
                self.errorf(f"function {go_quote(token.val)} not defined")
            return _Node(IDENTIFIER_NODE, token.val)
        if typ == DOT:
            return _Node(DOT_NODE, ".")
        if typ == NIL:
            return _Node(NIL_NODE, "nil")
        if typ == VARIABLE:
            if token.val.split(".")[0] not in self.vars:
                self.errorf(f"undefined variable {go_quote(token.val.split('.')[0])}")
            return _Node(VARIABLE_NODE, token.val)
        if typ == FIELD:
            return _Node(FIELD_NODE, token.val)
        if typ == BOOL:
            return _Node(BOOL_NODE, token.val)
        if typ in (CHAR_CONSTANT, COMPLEX, NUMBER):
            problem = number_problem(token.val, typ)
            if problem:
                self.errorf(problem)
            return _Node(NUMBER_NODE, token.val)
        if typ == LEFT_PAREN:
            if self.stack_depth >= MAX_STACK_DEPTH:
                self.errorf("max expression depth exceeded")
            self.stack_depth += 1
            try:
                self.pipeline("parenthesized pipeline", RIGHT_PAREN)
            finally:
                self.stack_depth -= 1
            return _Node(PIPE_NODE)
        if typ in (STRING, RAW_STRING):
            self.unquote(token.val)
            return _Node(STRING_NODE, token.val)
        self.backup()
        return None


# Go's fmt and strconv, as far as the parser's messages and literal checks need them


def go_quote(text: str) -> str:
    """``text`` as Go's ``%q`` (strconv.Quote) writes it."""
    out = ['"']
    for r in text:
        if r in ('"', "\\"):
            out.append("\\" + r)
        elif r.isprintable():
            out.append(r)
        elif r in _ESCAPES:
            out.append(_ESCAPES[r])
        elif r < " " or r == "\x7f":
            out.append(f"\\x{ord(r):02x}")
        elif ord(r) < 0x10000:
            out.append(f"\\u{ord(r) if not 0xD800 <= ord(r) <= 0xDFFF else 0xFFFD:04x}")
        else:
            out.append(f"\\U{ord(r):08x}")
    out.append('"')
    return "".join(out)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
_SIMPLE_ESCAPES = {"a", "b", "f", "n", "r", "t", "v", "\\"}


def go_rune(r: str) -> str:
    """``r`` as Go's ``%#U`` writes it: U+0078 'x'."""
    return f"U+{ord(r):04X} '{r}'" if r.isprintable() else f"U+{ord(r):04X}"


def _unquote_char(text: str, quote: str, at: int = 0) -> tuple[str, int] | None:
    """strconv.UnquoteChar of ``text`` from index ``at``: the character and the index after it, None where
    Go says ErrSyntax."""
    if at >= len(text) or (text[at] == quote and quote in "'\""):
        return None
    if text[at] != "\\":
        return text[at], at + 1
    if at + 1 >= len(text):
        return None
    c, rest = text[at + 1], at + 2
    if c in _SIMPLE_ESCAPES:
        return c, rest
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        digits = text[rest : rest + n]
        if len(digits) < n or not all(d in "0123456789abcdefABCDEF" for d in digits):
            return None
        value = int(digits, 16)
        if c != "x" and not (value < 0xD800 or 0xDFFF < value <= 0x10FFFF):
            return None
        return chr(value), rest + n
    if "0" <= c <= "7":
        digits = text[rest : rest + 2]
        if len(digits) < 2 or not all("0" <= d <= "7" for d in digits) or int(c + digits, 8) > 255:
            return None
        return chr(int(c + digits, 8)), rest + 2
    if c in "'\"" and c == quote:
        return c, rest
    return None


def go_unquote(quoted: str) -> str | None:
    """strconv.Unquote of a string the lexer read (quotes included): its value, None where Go says
    ErrSyntax. Walked by index, a run of plain characters at once: a long string costs its length."""
    if quoted[0] == "`":
        return quoted[1:-1].replace("\r", "")
    quote, out, at, end = quoted[0], [], 1, len(quoted)
    while at < end and quoted[at] != quote:
        plain = _QUOTED_RUN[quote].match(quoted, at).end()
        if plain > at:
            out.append(quoted[at:plain])
            at = plain
            continue
        if quoted[at] == "\n" or (char := _unquote_char(quoted, quote, at)) is None:
            return None
        out.append(char[0])
        at = char[1]
    return "".join(out) if at == end - 1 else None


def number_problem(text: str, typ: int = NUMBER) -> str | None:
    """Why node.go's newNumber refuses the number (or character constant) ``text``, in Go's words; None when
    it takes it."""
    if typ == CHAR_CONSTANT:
        char = _unquote_char(text, "'", 1)
        if char is None:
            return "invalid syntax"
        return (
            None if char[1] == len(text) - 1 and text[-1] == "'" else f"malformed character constant: {text}"
        )
    if typ == COMPLEX:
        return _complex_problem(text)
    if text.endswith("i") and _parse_float(text[:-1]) is None:  # an imaginary constant
        return None
    if _parse_uint(text) or _parse_int(text):
        return None
    if _parse_float(text) is None:
        if not any(c in text for c in ".eEpP"):  # a float that looks like an integer: too large for one
            return f"integer overflow: {go_quote(text)}"
        return None
    return f"illegal number syntax: {go_quote(text)}"


def _underscore_ok(text: str) -> bool:
    """strconv's underscoreOK: underscores only between digits, or between a base prefix and a digit."""
    saw, i = "^", 0
    if text[:1] in ("+", "-"):
        text = text[1:]
    hexadecimal = False
    if len(text) >= 2 and text[0] == "0" and text[1].lower() in "box":
        i, saw, hexadecimal = 2, "0", text[1].lower() == "x"
    for c in text[i:]:
        if "0" <= c <= "9" or (hexadecimal and "a" <= c.lower() <= "f"):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
    return saw != "_"


def _parse_uint(text: str, limit: int = 2**64) -> bool:
    """strconv.ParseUint(text, 0, 64) succeeds (``limit``: the first value too large)."""
    if not text:
        return False
    digits, base = text, 10
    if text[0] == "0":
        base = {"b": 2, "o": 8, "x": 16}.get(text[1].lower(), 0) if len(text) >= 3 else 0
        digits = text[2:] if base else text[1:]
        base = base or 8
    value, underscores = 0, False
    for c in digits:
        if c == "_":
            underscores = True
            continue
        d = ord(c) - ord("0") if "0" <= c <= "9" else ord(c.lower()) - ord("a") + 10 if c.isascii() else 99
        if not 0 <= d < base:
            return False
        value = min(value * base + d, limit)  # too large stays too large: no big-number arithmetic
    return value < limit and not (underscores and not _underscore_ok(text))


def _parse_int(text: str) -> bool:
    """strconv.ParseInt(text, 0, 64) succeeds."""
    negative = text[:1] == "-"
    unsigned = text[1:] if text[:1] in ("+", "-") else text
    return _parse_uint(unsigned, 2**63 + 1 if negative else 2**63)


_DECIMAL = re.compile(r"[+-]?([0-9_]*)(\.[0-9_]*)?([eE][+-]?[0-9][0-9_]*)?")
_HEXADECIMAL = re.compile(r"[+-]?0[xX]([0-9a-fA-F_]*)(\.[0-9a-fA-F_]*)?[pP][+-]?[0-9][0-9_]*")


def _parse_float(text: str) -> str | None:
    """Why strconv.ParseFloat(text, 64) fails ("invalid syntax", "value out of range"); None when it
    succeeds. (The lexer gives no number spelled inf or nan.)"""
    match = _HEXADECIMAL.fullmatch(text) if re.match(r"[+-]?0[xX].", text) else _DECIMAL.fullmatch(text)
    if match is None or not any(c.isalnum() for c in (match.group(1) or "") + (match.group(2) or "")):
        return "invalid syntax"
    if "_" in text and not _underscore_ok(text):
        return "invalid syntax"
    plain = text.replace("_", "")
    try:
        value = float.fromhex(plain) if match.re is _HEXADECIMAL else float(plain)
    except OverflowError:
        return "value out of range"
    return "value out of range" if math.isinf(value) else None


def _complex_problem(text: str) -> str | None:
    """What fmt.Sscan says reading the complex constant ``text`` (real part, sign, imaginary part, i)."""
    real, rest = _float_token(text)
    if rest[:1] not in ("+", "-") or not rest:
        return "syntax error scanning complex number"
    imaginary, rest = _float_token(rest[1:])
    if rest[:1] != "i":
        return "syntax error scanning complex number"
    sign = text[len(real)]
    for part in (real, sign + imaginary):  # fmt's convertFloat: a decimal mantissa may have a binary exponent
        binary = "p" in part and "x" not in part.lower()
        mantissa, _, exponent = part.partition("p") if binary else (part, "", "")
        problem = _parse_float(mantissa)
        if problem:
            return f"strconv.ParseFloat: parsing {go_quote(part)}: {problem}"
        if binary and not re.fullmatch(r"[+-]?[0-9]+", exponent):
            return f"strconv.Atoi: parsing {go_quote(part)}: invalid syntax"
    return None


def _float_token(text: str) -> tuple[str, str]:
    """fmt's floatToken: the float-looking prefix of ``text`` it reads, and the rest."""
    at = 0

    def accept(chars: str) -> bool:
        nonlocal at
        if at < len(text) and text[at] in chars:
            at += 1
            return True
        return False

    if accept("nN") and accept("aA") and accept("nN"):
        return text[:at], text[at:]
    accept("+-")
    if accept("iI") and accept("nN") and accept("fF"):
        return text[:at], text[at:]
    digits, exponent = "0123456789_", "eEpP"
    if accept("0") and accept("xX"):
        digits, exponent = "0123456789aAbBcCdDeEfF_", "pP"
    while accept(digits):
        pass
    if accept("."):
        while accept(digits):
            pass
    if accept(exponent):
        accept("+-")
        while accept("0123456789_"):
            pass
    return text[:at], text[at:]
