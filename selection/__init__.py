"""The pure core for choosing an area: data, ranking, analyses, storage, the report and the command line.

Nothing in this package imports Streamlit, so it can be tested directly and used from the command line
(``python -m selection``). Its packages are layers, each importing only those below it (declared in
pyproject.toml, checked by lint-imports; docs/architecture.md names the module for each job).
"""
