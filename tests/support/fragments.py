"""Rerun one Streamlit fragment under AppTest, the way a browser does for a widget inside it."""

from __future__ import annotations

from functools import partial

from streamlit.testing.v1 import AppTest, local_script_runner


def run_fragment(at: AppTest, key: str) -> AppTest:
    """Rerun only the fragment registered under ``key``, with the widget values set on ``at``.

    When a widget inside a fragment changes, the browser sends the fragment's id with its rerun
    request and the server runs only that fragment. AppTest always reruns the whole script, so
    the id is added to its rerun request here. AppTest's element tree then holds only what the
    fragment drew (a browser keeps the rest of the page).
    """
    (fragment_id,) = at._fragment_storage.resolve_target(key)
    original = local_script_runner.RerunData
    local_script_runner.RerunData = partial(original, fragment_id=fragment_id)
    try:
        return at.run()
    finally:
        local_script_runner.RerunData = original
