"""Pure core for choosing an area: data loading and validation, scoring, export.

Nothing in this package imports Streamlit, so it can be tested directly and used from
the command line (``python -m selection``).
"""
