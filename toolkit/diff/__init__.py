"""The one comparison of two bundles, used by ``toolkit diff`` and by sync's plans.

:mod:`.compare` puts it together from one module per kind: :mod:`.dashboards` (with :mod:`.panels`),
:mod:`.rules`, :mod:`.alertmanager`, :mod:`.rule_tests` and :mod:`.metrics` word the fields they know
(:mod:`.promql_text` compares PromQL by meaning) and leave every other field to :mod:`.generic`, the
path-level fallback, so no difference is silent and none is reported twice. :mod:`.model` holds a change,
:mod:`.report` renders changes as text, Markdown or JSON.
"""
