"""Weighting scenarios: settings, exclusion rules, stored versions, starting points from data, links.

Pure core (no Streamlit): the app, the command line and the tests share it.
"""

from __future__ import annotations

from selection.scenarios.evaluate import evaluate_settings
from selection.scenarios.rules import RULE_KINDS, Rule, RuleError, describe, parse_rule, parse_rules
from selection.scenarios.screening import all_excluded, apply_exclusions, excluded_reasons, exclusions
from selection.scenarios.settings import Robustness, ScenarioError, ScenarioSettings, default_settings, parse_settings

__all__ = [
    "RULE_KINDS",
    "Robustness",
    "Rule",
    "RuleError",
    "ScenarioError",
    "ScenarioSettings",
    "all_excluded",
    "apply_exclusions",
    "default_settings",
    "describe",
    "evaluate_settings",
    "excluded_reasons",
    "exclusions",
    "parse_rule",
    "parse_rules",
    "parse_settings",
]
