"""JUnit XML for ``toolkit test``: one suite, one test case per alert, expression, route or template test."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from toolkit.locations import SourceLocation


@dataclass(frozen=True)
class JUnitCase:
    """A test case: its class (``alerts``, ``routes``...), name and source; ``failure`` is None when it passed,
    else a one-line message, with ``text`` the full report."""

    classname: str
    name: str
    source: SourceLocation | None
    failure: str | None
    text: str = ""


def junit_xml(cases: Sequence[JUnitCase]) -> bytes:
    """The cases as one JUnit ``testsuite`` document."""
    failures = [case for case in cases if case.failure is not None]
    suite = ET.Element("testsuite", name="toolkit test", tests=str(len(cases)), failures=str(len(failures)))
    for case in cases:
        element = ET.SubElement(
            suite,
            "testcase",
            classname=case.classname,
            name=case.name,
            file=str(case.source.path) if case.source else "",
            line=str(case.source.line) if case.source else "",
        )
        if case.failure is not None:
            failure = ET.SubElement(element, "failure", message=case.failure)
            failure.text = case.text
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True) + b"\n"
