"""The app as Streamlit serves it: ``streamlit run serve.py`` (scripts/run_app.sh does this).

``app.py`` is the page; this entry point wraps it in ``st.App`` only to add the middleware that
makes the served page declare Danish (``<html lang="da">``, see ``ui/page_language.py``), which
Streamlit's own ``streamlit run app.py`` cannot do. Every ``streamlit run`` option works as before.
It also imports the pure core when the server starts (``ui.preload``) instead of in the first
visitor's page run.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui import preload
from ui.page_language import PageLanguage

preload.core_modules()  # before the first visitor: the first page after a (re)start does not wait for imports
app = st.App("app.py", middleware=[Middleware(PageLanguage, lang="da")])
