"""Streamlit panels of the app; each module renders one part of the page."""
