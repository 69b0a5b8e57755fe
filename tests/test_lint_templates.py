"""alerts/template: a port of Go's text/template parser decides, in this process, what Prometheus 3 decides
when it loads an alert's label and annotation templates; promtool (Prometheus 2.42, built with Go 1.19) gives
the same verdict and message wherever Go 1.19 and Prometheus 3 (Go 1.23 and later) agree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.test_lint import GOOD_ALERT, alert, findings_for, rules_file
from toolkit.lint import gotemplate
from toolkit.lint.gotemplate import TemplateSyntaxError, parse
from toolkit.lint.stream import lint_paths
from toolkit.lint.templates import ALERT_DEFINITIONS, ALERT_VARIABLES, FUNCTIONS, is_plain, template_problem

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")

# Templates Go parses (every one as the annotation of an alert named T)
VALID = [
    "{{ $labels.job }} fails {{ $value | humanizePercentage }}",
    '{{ .Labels.job }} {{ printf "%.2f" $value }} {{ with query "up" }}{{ . | first | value }}{{ end }}',
    '{{- range $i, $x := query "up" -}}{{ $x.Value }}{{ end -}}',
    "{{/* a comment }} */}}ok",
    "{{- /* trimmed comment */ -}} ok",
    '{{ "}}" }}',
    "{{ if eq $value 1.0 }}a{{ else if $labels.job }}b{{ else }}c{{ end }}",
    "plain text with } and }} in it",
    "{{ $x := 1 }}{{ $x }}",
    "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
    "{{ $externalLabels.cluster }} {{ $externalURL }}",
    '{{ $labels.job | printf "%s" | toUpper }}',
    '{{ `raw\nstring with }} and "` }}',
    "{{ 0x1F }} {{ 1_000 }} {{ 'a' }} {{ 1e3 }} {{ 0o17 }} {{ 0b101 }} {{ -5 }} {{ +5 }} {{ .5 }} {{ 1.5e-3 }} {{ 017 }}",
    "{{ 0x1p-2 }} {{ 1i }} {{ 1+2i }} {{ '\\n' }} {{ '\\x41' }} {{ '\\u00e9' }} {{ 'é' }}",
    '{{ (query "x") | first | value }}',
    '{{ template "x" }}',
    '{{ define "x" }}X{{ end }}{{ template "x" . }}',
    '{{ block "b" . }}B{{ end }}',
    "{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}",
    "{{ range $labels }}{{ break }}{{ end }}{{ range $labels }}{{ continue }}{{ end }}",
    "{{ with $labels.job }}{{ . }}{{ else }}none{{ end }}",
    '{{ len (index $labels "job") }}',
    "{{ ((1)) }}",
    "{{ and 1 (or 2 (not 3)) }}",
    "{{ nil | print }}",
    "{{ true }} {{ false }}",
    "{{ $ }}",
    "{{ $.Labels.job }}",
    "{{ . }}",
    '{{ "a\\tb\\"c" }}',
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}',
    "{{ humanize1024 1024 }} {{ humanizeDuration 60 }} {{ 1600000000 | humanizeTimestamp }}",
    '{{ title "a" }} {{ safeHtml "x" }} {{ match "a" "b" }} {{ graphLink "up" }} {{ tableLink "up" }}',
    '{{ args 1 2 }} {{ label "job" (query "up" | first) }} {{ strvalue (query "up" | first) }} {{ sortByLabel "job" (query "up") }}',
    '{{ "host:1" | stripPort }} {{ "a.b.c" | stripDomain }} {{ parseDuration "1h" }} {{ pathPrefix }} {{ externalURL }} {{ toTime 1 }}',
    "line1\n{{ $labels.job }}\nline3",
    '{{ call .X }} {{ html "<" }} {{ js "x" }} {{ slice "abc" 1 }} {{ urlquery "a b" }} {{ println 1 }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 1 2 }} {{ gt 1 2 }} {{ ge 1 2 }}',
    '{{ $x := "a" }}{{ if $x }}{{ $y := 1 }}{{ $y }}{{ end }}',
    "{{ $labels.job\n}}",
    "{{\n$labels.job\n}}",
    "{{- $labels.job }}",
    '{{ define "a" }}{{ end }}{{ define "a" }}x{{ end }}',
    '{{ define "a" }}  {{ end }}{{ define "a" }}x{{ end }}',
    "{{ (1).X }}",
    "{{ $labels.job.x }}",
    "{{ $x = 1 }}",
    "{{ $value |}}",
    "{{-3}}",
    "{{- 3 -}}",
    "{{ 3 -}}x",
    "{{ 1e39+1i }}",
    "{{ 0x1p2+1i }}",
    "{{ 0x_1 }}",
    "{{ 9223372036854775808 }}",
    "{{ 1.5i }}",
    '{{ printf "%d" 3 | printf "%s" }}',
    "{{ $value.x.y }}",
    "{{ .Labels.job.x }}",
    '{{ ("a").x }}',
    '{{ (query "up").x }}',
    '{{ "a" "b" }}',
    '{{ define "__alert_U" }}x{{ end }}',
    "{{ $labels.é }}",
    '{{ "\\377" }}',
    "{{ '\"' }}",
    '{{ "é" }}',
    "{{\t$labels.job\r\n}}",
    '{{ $x := 1 }}{{ block "a" $x }}{{ end }}',
    "{{ with $x := 1 }}{{ else }}{{ $x }}{{ end }}",
    "{{ if $x := 1 }}{{ else if $y := 2 }}{{ $x }}{{ $y }}{{ end }}",
    "{{ 1\n-}}",
    "{{ 1 }} \n -}}",
    "{{ 1e3+1.5i }}",
    "{{ 1_0+1_0i }}",
    "{{ range 1 }}{{ if 1 }}{{ break }}{{ end }}{{ end }}",
    '{{ template "a" 1 2 }}',
    "{{ 1 2 | printf }}",
    "{{ ((((((((((1)))))))))) }}",
    "{{ .a.b.c.d }}",
    "{{ $.a.b }}",
    "{{ $labels.a.b.c }}",
    "{{ .X | .Y }}",
    "{{ (.X).Y.Z }}",
    "{{ 1 . 2 }}",
    "{{ toUpper.x }}",
    "{{ $x:=1 }}{{ $x }}",
    "{{ $x:=1}}",
    "{{ $x :=1 }}",
    "{{ $ := 1 }}",
    "{{ if 1 }}{{ else if 2 }}{{ else if 3 }}{{ else }}{{ end }}",
    '{{ define "a" }}{{/* c */}}{{ end }}{{ define "a" }}B{{ end }}',
    '{{ define "a" }} \n\t {{ end }}{{ define "a" }}B{{ end }}',
    '{{ define "a" }}\xa0{{ end }}{{ define "a" }}B{{ end }}',
    '{{ define "a" }}A{{ end }}{{ define "a" }}   {{ end }}',
    '{{ 1 }}{{ define "a" }}{{ end }}{{ 2 }}',
    '{{ "\\a\\b\\f\\n\\r\\t\\v\\\\\\"" }}',
    '{{ "\\u00e9\\U0001F600\\x00\\000" }}',
    "{{ '\\'' }} {{ '\\\\' }}",
    "{{ 1.e5 }} {{ .1e5 }} {{ 1_0.0_1 }} {{ 0x1.8p1 }} {{ 0X_1P-2 }} {{ 1E5 }}",
    "{{ 00 }}",
    "{{ 0 }}",
    "{{ -0 }}",
    "{{ -0x8000000000000000 }}",
    "{{ 0xFFFFFFFFFFFFFFFF }}",
    "{{ -.5 }}",
    "{{ +.5e-3 }}",
    "{{ . 5 }}",
    "{{ 5. }}",
    "{{ 1e5i }}",
    "{{ 0x1p1i }}",
    "{{ 08i }}",
    "{{ '😀' }}",
    '{{ "😀" | printf "%s" }}',
    "{{ $labels.job| toUpper }}",
    "{{ $labels.job|toUpper }}",
    "{{ nil }}",
    "{{ nil 1 }}",
    "{{ 1 nil }}",
    "{{ print nil }}",
    "{{ if nil }}{{ end }}",
    '{{ template "a" nil }}',
    "{{ with .x }}{{ . }}{{ end }}{{ with $x := .y }}{{ end }}",
    "{{ range $i, $x := 1 }}{{ end }}{{ range $i, $x := 1 }}{{ end }}",
    "{{ $labels := 1 }}{{ $labels }}",
    "{{ $value = 2 }}",
    "{{ $nope = 2 }}",
]
INVALID = [  # (template, Go's line, Go's message)
    ('{{ define "__alert_T" }}\nx\n{{ end }}\n', 4, 'template: multiple definition of template "__alert_T"'),
    ("{{ if $value }}x", 1, "unexpected EOF"),
    ("{{ $value | humanise }}", 1, 'function "humanise" not defined'),
    ('{{ "abc }}', 1, "unterminated quoted string"),
    ("{{ end }}", 1, "unexpected {{end}}"),
    ("{{ }}", 1, "missing value for command"),
    ("{{ $labels.job", 1, "unclosed action"),
    ("{{ break }}", 1, "{{break}} outside {{range}}"),
    ("{{ continue }}", 1, "{{continue}} outside {{range}}"),
    ('{{ range query "up" }}{{ $y := 1 }}{{ end }}{{ $y }}', 1, 'undefined variable "$y"'),
    ("{{ len ($labels }}", 1, "unclosed left paren"),
    ("{{ if }}x{{ end }}", 1, "missing value for if"),
    ("{{ range }}{{ end }}", 1, "missing value for range"),
    ("{{ with }}{{ end }}", 1, "missing value for with"),
    ("{{ else }}", 1, "unexpected {{else}}"),
    ("{{ $nope }}", 1, 'undefined variable "$nope"'),
    ('{{ tmpl "x" . }}', 1, 'function "tmpl" not defined'),
    ("{{ 1 | 2 }}", 1, "non executable command in pipeline stage 2"),
    ('{{ $value | "x" }}', 1, "non executable command in pipeline stage 2"),
    ("{{ $value | . }}", 1, "non executable command in pipeline stage 2"),
    ("{{ $value | nil }}", 1, "non executable command in pipeline stage 2"),
    ("{{ $value | true }}", 1, "non executable command in pipeline stage 2"),
    ("{{ 08 }}", 1, 'integer overflow: "08"'),
    ("{{ 1.2.3 }}", 1, 'unexpected ".3" in operand'),
    ("{{ 0x }}", 1, 'illegal number syntax: "0x"'),
    ("{{ 99999999999999999999 }}", 1, 'integer overflow: "99999999999999999999"'),
    ("{{ 1e400 }}", 1, 'illegal number syntax: "1e400"'),
    ("{{ 'ab' }}", 1, "malformed character constant: 'ab'"),
    ("{{ '' }}", 1, "invalid syntax"),
    ("{{ 'a }}", 1, "unterminated character constant"),
    ('{{ "\\q" }}', 1, "invalid syntax"),
    ('{{ "\\x4" }}', 1, "invalid syntax"),
    ("{{ `abc }}", 1, "unterminated raw quoted string"),
    ("{{ 3x }}", 1, 'bad number syntax: "3x"'),
    ("{{ $x.y := 1 }}", 1, 'undefined variable "$x"'),
    ("{{ $x := }}", 1, "missing value for command"),
    ("{{ .Labels. }}", 1, "unexpected <.> in operand"),
    ('{{ "a".x }}', 1, 'unexpected . after term "\\"a\\""'),
    ("{{ nil.x }}", 1, 'unexpected . after term "nil"'),
    ("{{ 1.x }}", 1, 'bad number syntax: "1.x"'),
    ("{{ ..x }}", 1, 'unexpected . after term "."'),
    (
        '{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}',
        1,
        'template: multiple definition of template "a"',
    ),
    ('{{ define "x" }}{{ $labels.job }}{{ end }}', 1, 'undefined variable "$labels"'),
    ("{{ define x }}{{ end }}", 1, 'unexpected "x" in define clause'),
    ('{{ if 1 }}{{ define "x" }}{{ end }}{{ end }}', 1, "unexpected <define> in command"),
    ("{{ template x }}", 1, 'unexpected "x" in template clause'),
    ('{{ template "x" | }}', 1, 'unexpected "|" in template clause'),
    ('{{ block "b" }}{{ end }}', 1, "missing value for block clause"),
    ('{{ block "b" . }}', 1, "unexpected EOF"),
    ("{{ range $i, $e, $f := $labels }}{{ end }}", 1, "too many declarations in range"),
    ("{{ with $a, $b := 1 }}{{ end }}", 1, "too many declarations in with"),
    ("{{ range $i, 1 }}{{ end }}", 1, "range can only initialize variables"),
    ("{{ if 1 }}{{ else }}{{ else }}{{ end }}", 1, "expected end; found {{else}}"),
    ("{{ range $labels }}{{ else if 1 }}{{ end }}", 1, "unexpected <if> in input"),
    ("{{ $labels.job } }}", 1, 'unexpected "}" in operand'),
    ("{{ $labels.job }", 1, 'unexpected "}" in operand'),
    ("{{ $labels.job ! }}", 1, 'unexpected "!" in operand'),
    ("{{ € }}", 1, "unrecognized character in action: U+20AC '€'"),
    ("{{ /* not a comment */ }}", 1, 'unexpected "/" in command'),
    ("{{/* unclosed comment }}", 1, "unclosed comment"),
    ("{{/* comment */ x }}", 1, "comment ends before closing delimiter"),
    ("{{ : }}", 1, "expected :="),
    ("{{ | $value }}", 1, 'unexpected "|" in command'),
    ("{{ ( ) }}", 1, "missing value for parenthesized pipeline"),
    ("{{ (1 }}", 1, "unclosed left paren"),
    ("{{ if 1 }}\nline2\n{{ else }}\n{{ end", 4, "unclosed action"),
    ("a\nb\n{{ nope }}", 3, 'function "nope" not defined'),
    ("{{ $labels.job\n| nope }}", 2, 'function "nope" not defined'),
    ('{{ "x\ny" }}', 1, "unterminated quoted string"),
    ("{{ end }}{{ if }}", 1, "unexpected {{end}}"),
    ("{{ $labels.job -}}{{ nope }}", 1, 'function "nope" not defined'),
    ("{{ 3 - }}", 1, 'illegal number syntax: "-"'),
    ("{{ break 1 }}", 1, 'unexpected "1" in {{break}}'),
    ("{{ range $labels }}{{ break 1 }}{{ end }}", 1, 'unexpected "1" in {{break}}'),
    ("{{ end 1 }}", 1, 'unexpected "1" in end'),
    ("{{ else 1 }}", 1, 'unexpected "1" in else'),
    ('{{ define "a" }}{{ else }}{{ end }}', 1, "unexpected {{else}} in define clause"),
    ("{{ 1+i }}", 1, "syntax error scanning complex number"),
    ("{{ 0o7+1i }}", 1, "syntax error scanning complex number"),
    ("{{ 1e999+1i }}", 1, 'strconv.ParseFloat: parsing "1e999": value out of range'),
    ("{{ 1P3+1i }}", 1, 'bad number syntax: "1P"'),
    ("{{ 0_x1 }}", 1, 'bad number syntax: "0_x"'),
    ("{{ 1__0 }}", 1, 'illegal number syntax: "1__0"'),
    ("{{ 1_ }}", 1, 'illegal number syntax: "1_"'),
    ("{{ 0b2 }}", 1, 'bad number syntax: "0b2"'),
    ("{{ -9223372036854775809 }}", 1, 'integer overflow: "-9223372036854775809"'),
    ("{{ 18446744073709551616 }}", 1, 'integer overflow: "18446744073709551616"'),
    ("{{ 0x1i }}", 1, 'illegal number syntax: "0x1i"'),
    ("{{ $labelsé }}", 1, 'undefined variable "$labelsé"'),
    ('{{ "\\ud800" }}', 1, "invalid syntax"),
    ('{{ "\\U00110000" }}', 1, "invalid syntax"),
    ('{{ "\\400" }}', 1, "invalid syntax"),
    ("{{ '\\\"' }}", 1, "invalid syntax"),
    ('{{ "\\\'" }}', 1, "invalid syntax"),
    ("{{ 'abcdefghijkl' }}", 1, "malformed character constant: 'abcdefghijkl'"),
    ('{{ printf "abcdefghijklmnop" | "abcdefghijklmn" }}', 1, "non executable command in pipeline stage 2"),
    ("{{ if 1 }}{{ end }}{{ end }}", 1, "unexpected {{end}}"),
    ("{{ if 1 }}{{ else if }}{{ end }}", 1, "missing value for if"),
    ("{{ with 1 }}{{ else if 2 }}{{ end }}", 1, "unexpected <if> in input"),
    ("{{ $labels.job\x0b}}", 1, "bad character U+000B"),
    ("{{ $labels.job\xa0}}", 1, "bad character U+00A0"),
    ("{{ \x01 }}", 1, "unrecognized character in action: U+0001"),
    ('{{ template "x" $nope }}', 1, 'undefined variable "$nope"'),
    ('{{ define "a" }}{{ break }}{{ end }}', 1, "{{break}} outside {{range}}"),
    ('{{ range $labels }}{{ define "a" }}{{ end }}{{ end }}', 1, "unexpected <define> in command"),
    ('{{ block "a" $nope }}{{ end }}', 1, 'undefined variable "$nope"'),
    ('{{ block "a" . }}{{ $nope }}{{ end }}', 1, 'undefined variable "$nope"'),
    ('{{ block "a" . }}{{ $labels }}{{ end }}', 1, 'undefined variable "$labels"'),
    ("{{ range $x := $labels }}{{ end }}{{ $x }}", 1, 'undefined variable "$x"'),
    ("a\n{{ if 1 }}\nb\n", 4, "unexpected EOF"),
    ("a\n{{ if 1\n}}\nb\n{{ else }}\nc", 6, "unexpected EOF"),
    ("{{ $labels.job\n\n", 3, "unclosed action started at __alert_T:1"),
    ('{{ "abc\n" }}', 1, "unterminated quoted string"),
    ("{{ $labels.job |\n nope\n }}", 2, 'function "nope" not defined'),
    ("{{\n  $labels.job\n  | toUpper\n  | nope\n}}", 4, 'function "nope" not defined'),
    ("x\n{{- $labels.job -}}\ny\n{{ nope }}", 4, 'function "nope" not defined'),
    ("x\n{{- /* c\nc */ -}}\ny\n{{ nope }}", 5, 'function "nope" not defined'),
    ("{{/* c\nc */}}\n{{ nope }}", 3, 'function "nope" not defined'),
    ("{{/* c\nc */ }}", 1, "comment ends before closing delimiter"),
    (
        '{{ define "a" }}\nx\n{{ end }}\n{{ define "a" }}\ny\n{{ end }}',
        6,
        'template: multiple definition of template "a"',
    ),
    ("{{ if 1 }}\n{{ else }}\n{{ else }}\n{{ end }}", 3, "expected end; found {{else}}"),
    ("{{ `a\nb\nc` | nope }}", 3, 'function "nope" not defined'),
    ("{{ `a\nb\nc`\n| nope }}", 4, 'function "nope" not defined'),
    ("\n\n{{ 1 | 2 }}", 3, "non executable command in pipeline stage 2"),
    ("{{ (\n1\n|\n2\n) }}", 5, "non executable command in pipeline stage 2"),
    ("{{ 1 -\n}}", 1, 'illegal number syntax: "-"'),
    ("{{ 1 \n-}}\n{{ nope }}", 3, 'function "nope" not defined'),
    ("{{- \n1 }}\n{{ nope }}", 3, 'function "nope" not defined'),
    ('{{ "a" \n', 2, "unclosed action started at __alert_T:1"),
    ("{{ 'a\n' }}", 1, "unterminated character constant"),
    ("{{ 1p3+1i }}", 1, 'bad number syntax: "1p"'),
    ("{{ 1.5p2+1i }}", 1, 'bad number syntax: "1.5p"'),
    (
        "{{ $labels.job }}\n{{ $x := 1 }}\n{{ range $labels }}\n{{ $x }}\n{{ $y }}\n{{ end }}",
        5,
        'undefined variable "$y"',
    ),
    ("{{ with $labels }}\n{{ break }}\n{{ end }}", 2, "{{break}} outside {{range}}"),
    ("{{ if 1 }}{{ range 1 }}{{ end }}{{ break }}{{ end }}", 1, "{{break}} outside {{range}}"),
    ('{{ range 1 }}{{ define "x" }}{{ end }}{{ end }}', 1, "unexpected <define> in command"),
    ('{{ template "a" 1 | 2 }}', 1, "non executable command in pipeline stage 2"),
    ('{{ printf "%s" (1 | 2) }}', 1, "non executable command in pipeline stage 2"),
    ("{{ printf | 1 }}", 1, "non executable command in pipeline stage 2"),
    ('{{ "abc"x }}', 1, 'unexpected "x" in operand'),
    ('{{ $x"a" }}', 1, "bad character U+0022 '\"'"),
    ("{{ true.x }}", 1, 'unexpected . after term "true"'),
    ("{{ a.b }}", 1, 'function "a" not defined'),
    ("{{$x=1}}", 1, "bad character U+003D '='"),
    ("{{ $x : = 1 }}", 1, 'undefined variable "$x"'),
    ("{{ = }}", 1, 'unexpected "=" in command'),
    ("{{ $x, $y := 1 }}", 1, "too many declarations in command"),
    ("{{ range $x, $y, := 1 }}{{ end }}", 1, "too many declarations in range"),
    ("{{ range $x, }}{{ end }}", 1, "missing value for range"),
    ("{{ range $x $y := 1 }}{{ end }}", 1, 'undefined variable "$x"'),
    ('{{ "a" | printf "%s" | len | "b" }}', 1, "non executable command in pipeline stage 4"),
    ("{{ if 1 }}{{ else if 2 }}{{ else if 3 }}{{ else }}{{ end }}{{ end }}", 1, "unexpected {{end}}"),
    ("{{ if 1 }}{{ else if 2 }}{{ else if 3 }}", 1, "unexpected EOF"),
    ("{{ if 1 }}{{ else }}{{ if 2 }}{{ end }}", 1, "unexpected EOF"),
    ("{{ range $i, $e := . }}{{ $i }}{{ $e }}{{ end }}{{ $i }}", 1, 'undefined variable "$i"'),
    ('{{ template "a" }}{{ define "a" }}{{ $labels }}{{ end }}', 1, 'undefined variable "$labels"'),
    ('{{ block "x" 1 }}{{ else }}{{ end }}', 1, "unexpected {{else}} in block clause"),
    ('{{ block "x" }}', 1, "missing value for block clause"),
    ("{{ block 1 }}", 1, 'unexpected "1" in block clause'),
    ('{{ block "\\q" 1 }}{{ end }}', 1, "invalid syntax"),
    ('{{ define "\\q" }}{{ end }}', 1, "invalid syntax"),
    (
        '{{ define `a` }}A{{ end }}{{ define "a" }}B{{ end }}',
        1,
        'template: multiple definition of template "a"',
    ),
    (
        '{{ block "a" 1 }}A{{ end }}{{ define "a" }}B{{ end }}',
        1,
        'template: multiple definition of template "a"',
    ),
    (
        '{{ define "a" }}A{{ end }}{{ block "a" 1 }}B{{ end }}',
        1,
        'template: multiple definition of template "a"',
    ),
    (
        '{{ define "a" }}{{ if 1 }}{{ end }}{{ end }}{{ define "a" }}B{{ end }}',
        1,
        'template: multiple definition of template "a"',
    ),
    ('{{ define "a" }}', 1, "unexpected EOF"),
    ('{{ define "a" }}{{ end', 1, "unclosed action"),
    ("{{ define }}", 1, 'unexpected "}}" in define clause'),
    ('{{ define "a" 1 }}{{ end }}', 1, 'unexpected "1" in define clause'),
    ("{{ 0x1.8 }}", 1, 'illegal number syntax: "0x1.8"'),
    ("{{ 1e }}", 1, 'illegal number syntax: "1e"'),
    ("{{ 1e+ }}", 1, 'illegal number syntax: "1e+"'),
    ("{{ 1_e5 }}", 1, 'illegal number syntax: "1_e5"'),
    ("{{ 0b }}", 1, 'illegal number syntax: "0b"'),
    ("{{ 0o }}", 1, 'illegal number syntax: "0o"'),
    ("{{ 0o8 }}", 1, 'bad number syntax: "0o8"'),
    ("{{ 0x10000000000000000 }}", 1, 'illegal number syntax: "0x10000000000000000"'),
    ("{{ - }}", 1, 'illegal number syntax: "-"'),
    ("{{ + }}", 1, 'illegal number syntax: "+"'),
    ("{{ .5.5 }}", 1, 'unexpected ".5" in operand'),
    ("{{ 0b1i }}", 1, 'illegal number syntax: "0b1i"'),
    ("{{ '\\x4' }}", 1, "invalid syntax"),
    ("{{ '\\xZZ' }}", 1, "invalid syntax"),
    ("{{ '\\u12' }}", 1, "invalid syntax"),
    ("{{ '\\8' }}", 1, "invalid syntax"),
    ("{{ '\\q' }}", 1, "invalid syntax"),
    ("{{ $😀 }}", 1, "bad character U+1F600 '😀'"),
    ("{{ .😀 }}", 1, "bad character U+1F600 '😀'"),
    ("{{ 😀 }}", 1, "unrecognized character in action: U+1F600 '😀'"),
    ("{{ é }}", 1, 'function "é" not defined'),
    ("{{ ü(1) }}", 1, 'function "ü" not defined'),
    ('{{ toUpper"a" }}', 1, "bad character U+0022 '\"'"),
    ("{{ toUpper(1) }}", 1, 'unexpected "(" in operand'),
    ("{{ toUpper,1 }}", 1, 'unexpected "," in operand'),
    ("{{ ,1 }}", 1, 'unexpected "," in command'),
    ("{{ 1, }}", 1, 'unexpected "," in operand'),
    ("{{ 1; }}", 1, 'unexpected ";" in operand'),
    ("{{ #1 }}", 1, 'unexpected "#" in command'),
    ("{{ @ }}", 1, 'unexpected "@" in command'),
    ("{{ [1] }}", 1, 'unexpected "[" in command'),
    ("{{ {1} }}", 1, 'unexpected "{" in command'),
    ("{{ ~ }}", 1, 'unexpected "~" in command'),
    ("{{ ^ }}", 1, 'unexpected "^" in command'),
    ("{{ 1 ? }}", 1, 'unexpected "?" in operand'),
    ("{{ if true }}{{ break }}{{ end }}", 1, "{{break}} outside {{range}}"),
    ("{{ break }}{{ range 1 }}{{ end }}", 1, "{{break}} outside {{range}}"),
    ("{{ range 1 }}{{ continue }}{{ else }}{{ continue }}{{ end }}", 1, "{{continue}} outside {{range}}"),
    ("{{ range 1 }}{{ else }}{{ break }}{{ end }}", 1, "{{break}} outside {{range}}"),
    ("{{ $nope.x = 2 }}", 1, 'undefined variable "$nope"'),
]
# Where Prometheus 3 and promtool 2.42 part: (template, Prometheus 3's verdict, Prometheus 2.42's verdict).
# Prometheus 3's template/template.go (NewTemplateExpander) has toDuration and now (prometheus/prometheus#16619)
# and urlQueryEscape (#17404), which 2.42's function map lacks; Prometheus 3 is built with Go 1.23 or later,
# whose text/template/parse takes {{else with}} (parse.go: elseControl, parseControl) and whose lexer stops at
# a right parenthesis without a left one (lex.go: "unexpected right paren"), where Go 1.19 (promtool's) gives
# the parenthesis to the parser first; Go 1.25 (current Prometheus 3 releases) refuses more than 10,000 nested
# parentheses (parse.go: maxStackDepth, golang/go#71201), which Go 1.19 takes.
PROMETHEUS_3 = [
    ("{{ now | humanizeTimestamp }}", None, (1, 'function "now" not defined')),
    ("{{ 30 | toDuration }}", None, (1, 'function "toDuration" not defined')),
    ('{{ urlQueryEscape "a b" }}', None, (1, 'function "urlQueryEscape" not defined')),
    (
        "{{ with $labels.job }}{{ . }}{{ else with $labels.team }}{{ . }}{{ end }}",
        None,
        (1, "unexpected <with> in else"),
    ),
    (
        "{{ if 1 }}{{ else with 1 }}{{ end }}",
        (1, "unexpected <with> in input"),
        (1, "unexpected <with> in else"),
    ),
    ("{{ ) }}", (1, "unexpected right paren"), (1, 'unexpected ")" in command')),
    ("{{ " + "(" * 10000 + "1" + ")" * 10000 + " }}", None, None),
    ("{{ " + "(" * 10001 + "1" + ")" * 10001 + " }}", (1, "max expression depth exceeded"), None),
]
PLAIN = [
    GOOD_ALERT["annotations"]["description"],
    "{{$labels.instance}} down",
    "{{ .Labels.job | toUpper }}",
    '{{ printf "%.2f" $value }}% of {{ $labels.job }}',
    '{{printf "%s" $labels.instance}}',
    "{{ $value | printf `%.1f` | humanize }}",
    '{{- printf "%.0f%%" .Value -}}',
    "{{\t$labels.job\n}}",
]
NEARLY_PLAIN = [  # what a careless fast path would take for a plain substitution
    "{{-$labels.job}}",
    "{{ $labels.job-}}",
    "{{ $value | humanizeX }}",
    "{{ $labels.job\xa0}}",
    "{{ $labels.x² }}",
    '{{ printf "%s\\q" $value }}',
    "{{ $labels.job | toUpper | tmpl }}",  # tmpl is for consoles only
]


def go_verdict(text: str, alert: str = "T") -> tuple[int, str] | None:
    """What the port says of ``text`` as a template of the alert ``alert``: None, or Go's line and message."""
    try:
        parse(ALERT_DEFINITIONS + text, f"__alert_{alert}", FUNCTIONS)
    except TemplateSyntaxError as error:
        return error.line, error.message
    return None


PROMTOOL_PROBLEM = re.compile(r'rule (\d+), "T": annotation "t": template: __alert_T:(\d+): (.*)$')


def promtool_verdicts(texts: list[str], folder: Path) -> list[tuple[int, str] | None]:
    """What ``promtool check rules`` says of each of ``texts`` as the annotation of an alert named T."""
    rules = [{"alert": "T", "expr": "vector(1)", "annotations": {"t": text}} for text in texts]
    path = folder / "templates.yml"
    path.write_text(json.dumps({"groups": [{"name": "templates", "rules": rules}]}, ensure_ascii=False))
    done = subprocess.run(
        ["promtool", "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    verdicts: list[tuple[int, str] | None] = [None] * len(texts)
    for line in (done.stdout + done.stderr).splitlines():
        if match := PROMTOOL_PROBLEM.search(line):
            verdicts[int(match.group(1)) - 1] = (int(match.group(2)), match.group(3))
    assert done.returncode == (1 if any(verdicts) else 0), done.stdout + done.stderr  # every problem was read
    return verdicts


def test_the_port_gives_gos_verdict_on_every_crafted_template() -> None:
    assert len(VALID) + len(INVALID) >= 60
    assert {text: go_verdict(text) for text in VALID} == dict.fromkeys(VALID)
    assert {text: go_verdict(text) for text, _, _ in INVALID} == {
        text: (line, m) for text, line, m in INVALID
    }


def test_declared_variables_stand_for_prometheus_prefix_on_every_crafted_template() -> None:
    """Lint parses a template with Prometheus' variables declared instead of the actions that declare them:
    the same verdict, line and message as parsing those actions before it (as Prometheus does), also for a
    template that defines its own alert's name."""
    texts = [*VALID, *(text for text, _, _ in INVALID), *(text for text, _, _ in PROMETHEUS_3)]
    texts += ['{{define "__alert_T"}}x{{end}}', '{{define "__alert_T"}}{{end}}', "{{$value}}{{$y}}"]

    def declared(text: str) -> tuple[int, str] | None:
        try:
            parse(text, "__alert_T", FUNCTIONS, ALERT_VARIABLES)
        except TemplateSyntaxError as error:
            return error.line, error.message
        return None

    assert {text: declared(text) for text in texts} == {text: go_verdict(text) for text in texts}
    assert (
        template_problem('{{define "__alert_A"}}x{{end}}', "A")
        == go_verdict('{{define "__alert_A"}}x{{end}}', "A")[1]
    )


@needs_promtool
def test_promtool_agrees_with_the_port_on_every_crafted_template(tmp_path: Path) -> None:
    texts = VALID + [text for text, _, _ in INVALID]
    assert dict(zip(texts, promtool_verdicts(texts, tmp_path), strict=True)) == {
        text: go_verdict(text) for text in texts
    }


def test_prometheus_3_takes_its_new_functions_and_else_with(tmp_path: Path) -> None:
    """Prometheus 3 loads what 2.42 refused (see PROMETHEUS_3): lint follows Prometheus 3."""
    assert {text: go_verdict(text) for text, _, _ in PROMETHEUS_3} == {
        text: p3 for text, p3, _ in PROMETHEUS_3
    }
    annotations = {
        **GOOD_ALERT["annotations"],
        **{f"a{n}": text for n, (text, p3, _) in enumerate(PROMETHEUS_3) if p3 is None},
    }
    found = findings_for(tmp_path, "r.yml", rules_file(alert(annotations=annotations)), "alerts/template")
    assert found == []


@needs_promtool
def test_promtool_2_42_refuses_what_prometheus_3_takes(tmp_path: Path) -> None:
    texts = [text for text, _, _ in PROMETHEUS_3]
    assert promtool_verdicts(texts, tmp_path) == [v242 for _, _, v242 in PROMETHEUS_3]


def _corpus_templates() -> list[str]:
    """Every distinct label and annotation template of an alert in the corpus's mixin rule files."""
    found: set[str] = set()
    for path in sorted((CORPUS / "mixins").glob("*/*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        for group in (data or {}).get("groups") or [] if isinstance(data, dict) else []:
            for rule in group.get("rules") or []:
                if isinstance(rule, dict) and "alert" in rule:
                    for kind in ("labels", "annotations"):
                        found.update(
                            v for v in (rule.get(kind) or {}).values() if isinstance(v, str) and "{{" in v
                        )
    return sorted(found)


@needs_promtool
@pytest.mark.skipif(not (CORPUS / "mixins").is_dir(), reason="the shared corpus is not at ../shared/corpus")
def test_every_corpus_template_gets_promtools_verdict(tmp_path: Path) -> None:
    texts = _corpus_templates()
    ours = [go_verdict(text) for text in texts]
    assert ours == promtool_verdicts(texts, tmp_path)
    plain = [text for text in texts if is_plain(text)]
    assert [go_verdict(text) for text in plain] == [None] * len(plain)  # the fast path hides no problem
    print(f"{len(texts)} corpus templates: {sum(map(bool, ours))} refused, {len(plain)} plain substitutions")
    assert len(texts) > 100


def test_plain_substitutions_need_no_parse(monkeypatch) -> None:
    assert [go_verdict(text) for text in PLAIN] == [None] * len(PLAIN)

    def no_parse(*args):
        raise AssertionError(f"parsed {args}")

    monkeypatch.setattr(gotemplate, "parse", no_parse)
    assert [template_problem(text, "A") for text in PLAIN] == [None] * len(PLAIN)


def test_what_only_looks_plain_is_parsed() -> None:
    assert [is_plain(text) for text in NEARLY_PLAIN] == [False] * len(NEARLY_PLAIN)
    assert all(template_problem(text, "A") for text in NEARLY_PLAIN)
    assert not is_plain('{{ printf "%d" 3 }}') and template_problem('{{ printf "%d" 3 }}', "A") is None


def test_lint_starts_no_process_for_templates(tmp_path: Path, monkeypatch) -> None:
    def no_process(*args, **kwargs):
        raise AssertionError(f"started {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setenv("PATH", str(tmp_path))
    broken = {**GOOD_ALERT["annotations"], "description": "{{ $value | humanise }}", "now": "{{ now }}"}
    for n in range(3):
        (tmp_path / f"{n}.yml").write_text(rules_file(alert(alert=f"A{n}", annotations=broken)))
    for jobs in (1, 2):
        found = list(lint_paths([tmp_path], jobs=jobs, batch_bytes=1, only=["alerts/template"]))
        assert [f.message for f in found] == [
            f'annotation "description": template: __alert_A{n}: function "humanise" not defined'
            for n in range(3)
        ]


def test_every_alert_using_a_broken_template_is_reported(tmp_path: Path) -> None:
    broken = {**GOOD_ALERT["annotations"], "description": "{{ $value | humanise }}"}
    content = rules_file(alert(alert="First", annotations=broken), alert(alert="Second", annotations=broken))
    found = findings_for(tmp_path, "r.yml", content, "alerts/template")
    assert [(f.subject, f.message) for f in found] == [
        ("First", 'annotation "description": template: __alert_First: function "humanise" not defined'),
        ("Second", 'annotation "description": template: __alert_Second: function "humanise" not defined'),
    ]


def test_a_finding_points_at_the_field_and_names_the_template_line(tmp_path: Path) -> None:
    bad = alert(labels={"severity": "critical", "team": "{{ if $value }}x"})
    bad["annotations"] = {**GOOD_ALERT["annotations"], "description": "first\n{{ $labels.job }}\n{{ end }}"}
    content = rules_file(bad)
    found = findings_for(tmp_path, "r.yml", content, "alerts/template")
    lines = content.splitlines()
    assert [(lines[f.location.line - 1].split(":")[0].strip(), f.message) for f in found] == [
        ("team", 'label "team": template: __alert_HighErrorRate: unexpected EOF'),
        (
            "description",
            'annotation "description": template: __alert_HighErrorRate: unexpected {{end}} (template line 3)',
        ),
    ]


def test_a_template_may_not_define_its_own_alerts_template(tmp_path: Path) -> None:
    """Prometheus names an alert's template __alert_<name>: a {{define}} of that name clashes with it."""
    text = '{{ define "__alert_Clash" }}x{{ end }}'
    content = rules_file(
        alert(alert="Clash", annotations={"t": text}), alert(alert="Other", annotations={"t": text})
    )
    found = findings_for(tmp_path, "r.yml", content, "alerts/template")
    assert [(f.subject, f.message) for f in found] == [
        (
            "Clash",
            'annotation "t": template: __alert_Clash: template: multiple definition of template "__alert_Clash"',
        )
    ]
