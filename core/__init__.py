"""The bottom layer: helpers every app may use (bulk writes, API error bodies,
spreadsheet files for French office suites).

`core` imports no cpps app — only Django and libraries — so that `traitement`, `guichet` and
the others can rely on it while `cpps` (settings, URLs, CLI) stays the composition root on top.
It is a plain package, not a Django app: it has no models, templates or migrations.
"""
