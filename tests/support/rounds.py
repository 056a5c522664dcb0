"""Weighting rounds for tests: open a round on a data set's default settings, let participants answer by their
invitation codes, reveal it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Engine

from selection.data.dataset import Dataset
from selection.rounds import store
from selection.rounds.model import SHARES, Round
from selection.scenarios.settings import ScenarioSettings
from tests.support.factory import ADMIN


def default_settings(dataset: Dataset) -> ScenarioSettings:
    model = dataset.model
    return ScenarioSettings(dict(model.default_weights), dict(model.default_sub_weights), model.actor_distance_m, ())


def make_round(
    engine: Engine,
    dataset: Dataset,
    answers: Sequence[tuple[str, Mapping[str, float]]],
    *,
    name: str = "Runde maj",
    anonymous: bool = False,
    reveal: bool = True,
    invited_only: Sequence[str] = (),
) -> Round:
    """A round where each (name, weights in per cent) answers; ``invited_only`` are invited but do not answer."""
    item = store.open_round(
        engine,
        ADMIN,
        dataset.model,
        name=name,
        settings=default_settings(dataset),
        data_version=dataset.version,
        anonymous=anonymous,
    )
    for person, weights in answers:
        code = store.invite(engine, ADMIN, item.id, name=person).code
        seat = store.seat_for_code(engine, code)
        store.submit(engine, ADMIN, dataset.model, seat, method=SHARES, weights=weights, inputs={}, code=code)
    for person in invited_only:
        store.invite(engine, ADMIN, item.id, name=person)
    return store.reveal(engine, ADMIN, item.id) if reveal else store.get_round(engine, item.id)
