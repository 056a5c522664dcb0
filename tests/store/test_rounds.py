"""Weighting rounds in the store (both databases): open, invite, answer, reveal, close; invitation codes;
who may answer as whom; anonymity; limits; append-only tables; concurrent answers; paper answers all or none.
"""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from selection.access import (
    PARTICIPANT,
    READER,
    AccessDenied,
    AccessPolicy,
    Actor,
    assign_role,
)
from selection.rounds import store as rounds
from selection.rounds.model import CLOSED, OPEN, REVEALED, SHARES, SWING, RoundError
from selection.scenarios import parse_settings
from selection.scenarios.saved import save_new
from selection.storage.database.tables import round_invitation, round_participant, round_submission
from tests.support.databases import MODEL
from tests.support.factory import ADMIN
from tests.support.sign_in import signed_in

SETTINGS = parse_settings({"weights": {"need": 2}}, MODEL)
WEIGHTS = {"trust": 1, "actors": 1, "need": 2}
TABLES = ("weighting_round", "round_event", "round_participant", "round_invitation", "round_submission")


def open_round(engine, name="Styregruppen nov.", anonymous=False, actor=ADMIN, **kwargs):
    return rounds.open_round(
        engine, actor, MODEL, name=name, settings=SETTINGS, data_version="t1", anonymous=anonymous, **kwargs
    )


def person(subject: str, email: str, policy: AccessPolicy | None = None) -> Actor:
    identity = signed_in(subject, email, email.split("@")[0].title())
    return Actor(identity, policy or AccessPolicy())


def by_code(engine, code, weights=None, reason="", method=SHARES):
    """Answer as the participant an invitation code is for (no sign-in)."""
    seat = rounds.seat_for_code(engine, code)
    actor = Actor(rounds.code_identity(seat))
    return rounds.submit(
        engine,
        actor,
        MODEL,
        seat,
        method=method,
        weights=weights or WEIGHTS,
        inputs={"percent": weights or WEIGHTS},
        reason=reason,
        code=code,
    )


def as_user(engine, actor, seat, weights=None):
    return rounds.submit(engine, actor, MODEL, seat, method=SHARES, weights=weights or WEIGHTS, inputs={})


def dump(engine) -> str:
    """Every value of every row of every table, as one case-folded text."""
    parts = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts).casefold()


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def counts(engine) -> dict[str, int]:
    return {t: count(engine, t) for t in TABLES}


# ---------------------------------------------------------------- the life of a round


def test_open_invite_answer_reveal_close(engine):
    item = open_round(engine, sub_indicators=True, scenario_name="Behov først")
    assert (item.id, item.state, item.anonymous, item.is_open, item.revealed) == (1, OPEN, False, True, False)
    assert rounds.round_settings(item, MODEL).weights == SETTINGS.weights
    assert rounds.find_round(engine, "STYREGRUPPEN  NOV.").id == item.id
    anna = rounds.invite(engine, ADMIN, item.id, name="Anna Hansen")
    bo = rounds.invite(engine, ADMIN, item.id, name="Bo")
    assert (anna.participant.number, bo.participant.number) == (1, 2)
    assert rounds.progress(engine, item.id) == rounds.Progress(2, 0, 0, OPEN)

    first = by_code(engine, anna.code, {"trust": "50", "need": "50"}, reason="Tillid er vigtigst.")
    assert (first.number, first.version, first.method) == (1, 1, SHARES)
    assert first.weights == {"trust": 0.5, "actors": 0.0, "need": 0.5}
    assert first.stored_by == "Anna Hansen (invitationslink)"  # a named round: the invited name, and how it came
    assert rounds.progress(engine, item.id).answered == 1

    revealed = rounds.reveal(engine, ADMIN, item.id)
    assert (revealed.state, revealed.revealed) == (REVEALED, True)
    assert rounds.reveal(engine, ADMIN, item.id).revealed_at == revealed.revealed_at  # a second click: nothing
    second = by_code(engine, anna.code, {"need": 1}, method=SWING)  # answers may change until the round closes
    assert second.version == 2
    by_code(engine, bo.code)
    newest = rounds.submissions(engine, item.id)
    assert [(s.number, s.version) for s in newest] == [(1, 2), (2, 1)]
    assert [s.version for s in rounds.submissions(engine, item.id, newest_only=False)] == [1, 2, 1]
    assert rounds.own_submission(engine, item.id, 1).version == 2
    assert rounds.own_submission(engine, item.id, 3) is None

    closed = rounds.close(engine, ADMIN, item.id)
    assert (closed.state, closed.is_open, closed.revealed) == (CLOSED, False, True)
    assert closed.closed_at >= closed.revealed_at
    before = counts(engine)
    with pytest.raises(AccessDenied, match="er lukket, så invitationen gælder ikke længere"):
        rounds.seat_for_code(engine, anna.code)
    with pytest.raises(RoundError, match="er lukket; svaret er ikke gemt"):
        rounds.submit(
            engine,
            Actor(rounds.code_identity(rounds.Seat(closed, 1))),
            MODEL,
            rounds.Seat(closed, 1),
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=anna.code,
        )
    with pytest.raises(RoundError, match="allerede lukket"):
        rounds.close(engine, ADMIN, item.id)
    for call in (
        lambda: rounds.reveal(engine, ADMIN, item.id),
        lambda: rounds.invite(engine, ADMIN, item.id, name="Carl"),
        lambda: rounds.new_code(engine, ADMIN, item.id, 1),
        lambda: rounds.import_answers(engine, ADMIN, MODEL, item.id, [rounds.PaperAnswer("Dorte", WEIGHTS)]),
    ):
        with pytest.raises(RoundError, match="er lukket; den kan ikke ændres"):
            call()
    assert counts(engine) == before
    assert [r.state for r in rounds.list_rounds(engine)] == [CLOSED]


def test_closing_an_unrevealed_round_reveals_it(engine):
    item = open_round(engine)
    closed = rounds.close(engine, ADMIN, item.id)
    assert closed.revealed
    assert closed.revealed_at is not None


def test_round_names_and_numbers(engine):
    open_round(engine, name="Runde A")
    with pytest.raises(RoundError, match=r"Der findes allerede en runde med navnet 'runde  a'|allerede en runde"):
        open_round(engine, name="runde  a")
    with pytest.raises(RoundError, match="må ikke kun bestå af cifre"):
        open_round(engine, name="2026")
    for bad in ("x", "-1", "1.0", "٣", "9" * 12):
        with pytest.raises(RoundError, match=r"ikke et rundenummer|ingen vægtningsrunde"):
            rounds.get_round(engine, bad)
    with pytest.raises(RoundError, match=r"Der er ingen vægtningsrunde nr\. 7"):
        rounds.get_round(engine, 7)


# ---------------------------------------------------------------- invitation codes


def test_a_code_is_32_characters_and_only_its_hash_is_stored(engine):
    item = open_round(engine)
    codes = [rounds.invite(engine, ADMIN, item.id, name=f"Person {k}").code for k in range(5)]
    codes.append(rounds.new_code(engine, ADMIN, item.id, 1))
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == 32
        assert rounds.CODE_SHAPE.fullmatch(code)
    stored = dump(engine)
    with engine.connect() as conn:
        hashes = set(conn.execute(select(round_invitation.c.code_hash)).scalars())
    assert hashes == {rounds.code_hash(c) for c in codes}
    for code in codes:
        assert code.casefold() not in stored
        assert code[:16].casefold() not in stored  # not even half of it


def test_a_forged_or_malformed_code_grants_nothing(engine):
    item = open_round(engine)
    rounds.invite(engine, ADMIN, item.id, name="Anna")
    for forged in (secrets.token_urlsafe(24), "A" * 32):
        with pytest.raises(AccessDenied, match="Invitationskoden findes ikke"):
            rounds.seat_for_code(engine, forged)
    for bad in ("", None, "abc", "x" * 65, "A" * 31 + "!", "' OR 1=1 --" + "A" * 20, rounds.code_hash("x")[:64] + "é"):
        with pytest.raises(AccessDenied, match="Invitationskoden er ikke gyldig"):
            rounds.seat_for_code(engine, bad)
    seat = rounds.Seat(item, 1)
    with pytest.raises(AccessDenied, match="findes ikke"):
        rounds.submit(
            engine,
            Actor(rounds.code_identity(seat)),
            MODEL,
            seat,
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=secrets.token_urlsafe(24),
        )
    with pytest.raises(AccessDenied, match="kun svare som dig selv"):  # no code and not signed in
        rounds.submit(engine, Actor(rounds.code_identity(seat)), MODEL, seat, method=SHARES, weights=WEIGHTS, inputs={})
    assert count(engine, "round_submission") == 0


def test_a_new_code_voids_the_old_one(engine):
    item = open_round(engine)
    old = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    by_code(engine, old)
    new = rounds.new_code(engine, ADMIN, item.id, 1)
    with pytest.raises(AccessDenied, match="erstattet af en nyere"):
        rounds.seat_for_code(engine, old)
    seat = rounds.Seat(item, 1)
    with pytest.raises(AccessDenied, match="erstattet af en nyere"):
        rounds.submit(
            engine, Actor(rounds.code_identity(seat)), MODEL, seat, method=SHARES, weights=WEIGHTS, inputs={}, code=old
        )
    assert by_code(engine, new).version == 2
    with pytest.raises(RoundError, match="Runden har ingen Deltager 5"):
        rounds.new_code(engine, ADMIN, item.id, 5)
    for days in (0, -1, 366):
        with pytest.raises(RoundError, match="fra 1 til 365 dage"):
            rounds.new_code(engine, ADMIN, item.id, 1, valid_days=days)


def test_an_expired_code_is_refused(engine, monkeypatch):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna", valid_days=1).code
    long_code = rounds.invite(engine, ADMIN, item.id, name="Bo", valid_days=30).code
    real_now = rounds._now
    monkeypatch.setattr(rounds, "_now", lambda: real_now() + timedelta(days=1, seconds=1))
    with pytest.raises(AccessDenied, match="Invitationen er udløbet"):
        rounds.seat_for_code(engine, code)
    seat = rounds.Seat(item, 1)
    with pytest.raises(AccessDenied, match="udløbet"):
        rounds.submit(
            engine, Actor(rounds.code_identity(seat)), MODEL, seat, method=SHARES, weights=WEIGHTS, inputs={}, code=code
        )
    assert by_code(engine, long_code).number == 2  # Bo's code still holds
    fresh = rounds.new_code(engine, ADMIN, item.id, 1)  # a new code for Anna works again
    assert by_code(engine, fresh).number == 1
    monkeypatch.setattr(rounds, "_now", lambda: real_now() + timedelta(days=31))
    with pytest.raises(AccessDenied, match="udløbet"):
        rounds.seat_for_code(engine, long_code)


def test_a_code_answers_only_for_its_own_round_and_participant(engine):
    a = open_round(engine, name="A")
    b = open_round(engine, name="B")
    code_a1 = rounds.invite(engine, ADMIN, a.id, name="Anna").code
    rounds.invite(engine, ADMIN, a.id, name="Bo")
    rounds.invite(engine, ADMIN, b.id, name="Anna")
    actor = Actor(rounds.code_identity(rounds.seat_for_code(engine, code_a1)))
    for seat in (rounds.Seat(b, 1), rounds.Seat(a, 2), rounds.Seat(b, 2), rounds.Seat(a, 99)):
        with pytest.raises(AccessDenied, match="gælder ikke for denne deltager"):
            rounds.submit(engine, actor, MODEL, seat, method=SHARES, weights=WEIGHTS, inputs={}, code=code_a1)
    assert count(engine, "round_submission") == 0
    assert rounds.seat_for_code(engine, code_a1).round.id == a.id


# ---------------------------------------------------------------- signed-in participants and roles


def test_a_signed_in_invitee_answers_only_as_themselves(engine):
    item = open_round(engine)
    anna = person("sub-anna", "Anna@KK.test")
    bo = person("sub-bo", "bo@kk.test")
    stranger = person("sub-x", "x@kk.test")
    invited = rounds.invite(engine, ADMIN, item.id, name="Anna", principal="anna@kk.test")
    assert invited.code is None  # signed in: no link needed
    assert invited.participant.signed_in
    rounds.invite(engine, ADMIN, item.id, name="Bo", principal="sub:sub-bo", with_code=True)
    (seat,) = rounds.seats_for(engine, anna.identity)
    assert (seat.round.id, seat.number) == (item.id, 1)
    assert [s.number for s in rounds.seats_for(engine, bo.identity)] == [2]
    assert rounds.seats_for(engine, stranger.identity) == []
    assert rounds.seats_for(engine, ADMIN.identity) == []  # not signed in
    assert as_user(engine, anna, seat).version == 1
    for actor, other in ((anna, 2), (bo, 1), (stranger, 1), (ADMIN, 1)):
        with pytest.raises(AccessDenied, match="kun svare som dig selv"):
            as_user(engine, actor, rounds.Seat(item, other))
    assert as_user(engine, bo, rounds.Seat(item, 2)).version == 1
    with pytest.raises(RoundError, match="allerede inviteret som Deltager 1"):
        rounds.invite(engine, ADMIN, item.id, name="Anna H.", principal="ANNA@kk.test")
    rounds.close(engine, ADMIN, item.id)
    assert rounds.seats_for(engine, anna.identity) == []


def test_a_reader_may_answer_when_invited_and_a_participant_role_can_do_nothing_else(engine):
    item = open_round(engine)
    reader = person("sub-r", "reader@kk.test")
    member = person("sub-d", "deltager@kk.test")
    nobody = person("sub-n", "nobody@kk.test", AccessPolicy(unknown_role=None))
    assign_role(engine, ADMIN, "reader@kk.test", READER, "Læser")
    assign_role(engine, ADMIN, "deltager@kk.test", PARTICIPANT, "Med i styregruppen")
    for name, email in (("Rikke", "reader@kk.test"), ("Dorte", "deltager@kk.test"), ("Niels", "nobody@kk.test")):
        rounds.invite(engine, ADMIN, item.id, name=name, principal=email)
    assert as_user(engine, reader, rounds.Seat(item, 1)).number == 1
    assert as_user(engine, member, rounds.Seat(item, 2)).number == 2
    with pytest.raises(AccessDenied, match="har ikke adgang og må ikke svare i vægtningsrunder"):
        as_user(engine, nobody, rounds.Seat(item, 3))
    for actor in (reader, member):
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            open_round(engine, name="Min egen", actor=actor)
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            rounds.invite(engine, actor, item.id, name="Ven")
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            rounds.new_code(engine, actor, item.id, 1)
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            rounds.reveal(engine, actor, item.id)
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            rounds.close(engine, actor, item.id)
        with pytest.raises(AccessDenied, match="må du ikke lede vægtningsrunder"):
            rounds.import_answers(engine, actor, MODEL, item.id, [rounds.PaperAnswer("Ven", WEIGHTS)])
    with pytest.raises(AccessDenied, match="Med rollen Deltager må du ikke gemme scenarier"):
        save_new(engine, MODEL, "Mit scenarie", "Fordi.", SETTINGS, "Dorte", actor=member)
    assert rounds.get_round(engine, item.id).state == OPEN
    assert count(engine, "round_submission") == 2


def test_read_only_refuses_every_write(engine):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    rounds.invite(engine, ADMIN, item.id, name="Bo", principal="bo@kk.test")
    read_only = AccessPolicy(read_only=True)
    admin = Actor(ADMIN.identity, read_only)
    seat = rounds.seat_for_code(engine, code)
    bo = person("sub-bo", "bo@kk.test", read_only)
    before = counts(engine)
    calls = [
        lambda: open_round(engine, name="Ny", actor=admin),
        lambda: rounds.invite(engine, admin, item.id, name="Carl"),
        lambda: rounds.new_code(engine, admin, item.id, 1),
        lambda: rounds.reveal(engine, admin, item.id),
        lambda: rounds.close(engine, admin, item.id),
        lambda: rounds.import_answers(engine, admin, MODEL, item.id, [rounds.PaperAnswer("Carl", WEIGHTS)]),
        lambda: rounds.submit(
            engine,
            Actor(rounds.code_identity(seat), read_only),
            MODEL,
            seat,
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=code,
        ),
        lambda: as_user(engine, bo, rounds.Seat(item, 2)),
    ]
    for call in calls:
        with pytest.raises(AccessDenied, match="skrivebeskyttet tilstand"):
            call()
    assert counts(engine) == before


def test_the_result_is_hidden_from_participants_until_it_is_revealed(engine):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    rounds.invite(engine, ADMIN, item.id, name="Bo", principal="bo@kk.test")
    invitee = Actor(rounds.code_identity(rounds.seat_for_code(engine, code)))
    bo = person("sub-bo", "bo@kk.test")
    for actor in (invitee, bo):
        with pytest.raises(RoundError, match="vises først, når mødelederen viser resultatet"):
            rounds.check_may_see_result(engine, actor, rounds.get_round(engine, item.id))
    rounds.check_may_see_result(engine, ADMIN, rounds.get_round(engine, item.id))  # the facilitator sees it
    rounds.reveal(engine, ADMIN, item.id)
    for actor in (invitee, bo, ADMIN):
        rounds.check_may_see_result(engine, actor, rounds.get_round(engine, item.id))
    rounds.close(engine, ADMIN, item.id)
    rounds.check_may_see_result(engine, invitee, rounds.get_round(engine, item.id))


# ---------------------------------------------------------------- anonymity


def test_an_anonymous_round_stores_no_name_email_or_subject_of_a_participant(engine):
    item = open_round(engine, anonymous=True)
    named = rounds.invite(engine, ADMIN, item.id, name="Anna Hansen")
    unnamed = rounds.invite(engine, ADMIN, item.id)
    signed = rounds.invite(engine, ADMIN, item.id, name="Bodil Berg", principal="Bodil.Berg@Kommune.test")
    by_sub = rounds.invite(engine, ADMIN, item.id, principal="sub:subject-of-cecilie-7f3a")
    assert [i.participant.number for i in (named, unnamed, signed, by_sub)] == [1, 2, 3, 4]
    assert all(i.participant.name == "" for i in (named, unnamed, signed, by_sub))
    by_code(engine, named.code, reason="Behov vejer tungest.")
    by_code(engine, unnamed.code)
    bodil = person("sub-bodil-91", "bodil.berg@kommune.test")
    cecilie = person("subject-of-cecilie-7f3a", "cecilie.c@kommune.test")
    (seat,) = rounds.seats_for(engine, bodil.identity)
    assert seat.number == 3
    as_user(engine, bodil, seat)
    (seat4,) = rounds.seats_for(engine, cecilie.identity)
    as_user(engine, cecilie, seat4)
    rounds.import_answers(engine, ADMIN, MODEL, item.id, [rounds.PaperAnswer("Dorthe Dahl", WEIGHTS, line=2)])
    rounds.import_answers(engine, ADMIN, MODEL, item.id, [rounds.PaperAnswer("anna  hansen", WEIGHTS, line=2)])
    with pytest.raises(RoundError, match="allerede inviteret som Deltager 1"):
        rounds.invite(engine, ADMIN, item.id, name=" ANNA HANSEN ")
    stored = dump(engine)
    for secret in (
        "Anna Hansen",
        "anna",
        "Bodil",
        "Berg",
        "kommune.test",
        "sub-bodil-91",
        "subject-of-cecilie",
        "cecilie",
        "Dorthe",
        "Dahl",
    ):
        assert secret.casefold() not in stored, secret
    assert rounds.labels(engine, item) == {n: f"Deltager {n}" for n in range(1, 6)}
    answers = rounds.submissions(engine, item.id)
    assert [s.number for s in answers] == [1, 2, 3, 4, 5]
    assert answers[0].version == 2  # the paper answer for Anna Hansen is her second version
    for s in answers:
        assert s.stored_by.startswith(f"Deltager {s.number} (")
    assert all(not p.name for p in rounds.participants(engine, item.id))


def test_the_same_person_cannot_be_followed_from_one_anonymous_round_to_the_next(engine):
    first = open_round(engine, name="A", anonymous=True)
    second = open_round(engine, name="B", anonymous=True)
    for item in (first, second):
        rounds.invite(engine, ADMIN, item.id, name="Anna", principal="anna@kk.test")
    with engine.connect() as conn:
        rows = conn.execute(select(round_participant.c.name_key, round_participant.c.principal)).all()
    assert len({r.name_key for r in rows}) == 2
    assert len({r.principal for r in rows}) == 2


def test_an_unnamed_participant_and_one_named_like_a_number_are_two_people(engine):
    item = open_round(engine, anonymous=True)
    rounds.invite(engine, ADMIN, item.id)
    rounds.invite(engine, ADMIN, item.id)
    assert rounds.invite(engine, ADMIN, item.id, name="#2").participant.number == 3
    assert rounds.invite(engine, ADMIN, item.id, name="#4").participant.number == 4
    assert rounds.invite(engine, ADMIN, item.id).participant.number == 5


# ---------------------------------------------------------------- limits


def test_the_same_name_twice_is_refused(engine):
    item = open_round(engine)
    rounds.invite(engine, ADMIN, item.id, name="Anna Hansen")
    for same in ("anna hansen", "  ANNA   HANSEN ", "Anna\u00a0Hansen", "\uff21\uff4e\uff4e\uff41 Hansen"):
        with pytest.raises(RoundError, match="Navnet er allerede inviteret"):
            rounds.invite(engine, ADMIN, item.id, name=same)
    for empty in ("", "   ", None, "\u200b"):
        with pytest.raises(RoundError, match="Deltagerens navn skal udfyldes"):
            rounds.invite(engine, ADMIN, item.id, name=empty)
    assert count(engine, "round_participant") == 1


def test_the_251st_participant_is_refused_in_danish(engine):
    item = open_round(engine)
    paper = [rounds.PaperAnswer(f"Person {k}", WEIGHTS, line=k + 1) for k in range(250)]
    assert len(rounds.import_answers(engine, ADMIN, MODEL, item.id, paper[:249])) == 249
    # all or none inside the transaction too: the 250th would fit, the 251st does not, so neither is stored
    before = counts(engine)
    extra = [paper[249], rounds.PaperAnswer("Person 7", {"need": 1}, line=3), rounds.PaperAnswer("Ny", WEIGHTS, line=4)]
    with pytest.raises(RoundError, match=r"Linje 4: En runde kan have højst 250 deltagere"):
        rounds.import_answers(engine, ADMIN, MODEL, item.id, extra)
    assert counts(engine) == before
    assert rounds.invite(engine, ADMIN, item.id, name="Person 249").participant.number == 250
    before = counts(engine)
    with pytest.raises(RoundError, match=r"En runde kan have højst 250 deltagere\. Intet er gemt\."):
        rounds.invite(engine, ADMIN, item.id, name="Nummer 251")
    with pytest.raises(RoundError, match=r"Linje 2: En runde kan have højst 250 deltagere"):
        rounds.import_answers(engine, ADMIN, MODEL, item.id, [rounds.PaperAnswer("Nummer 251", WEIGHTS, line=2)])
    assert counts(engine) == before
    # a new version for someone already invited is no new participant
    again = rounds.import_answers(engine, ADMIN, MODEL, item.id, [rounds.PaperAnswer("person 7", WEIGHTS, line=2)])
    assert rounds.progress(engine, item.id).invited == 250
    assert [(s.number, s.version) for s in again] == [(8, 2)]
    with pytest.raises(RoundError, match="Filen har 251 svar; en runde kan have højst 250 deltagere"):
        rounds.import_answers(engine, ADMIN, MODEL, item.id, [*paper, rounds.PaperAnswer("X", WEIGHTS)])


def test_two_answers_in_the_same_second_are_both_stored(engine, monkeypatch):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    moment = rounds._now()
    monkeypatch.setattr(rounds, "_now", lambda: moment)
    first = by_code(engine, code, {"trust": 1})
    second = by_code(engine, code, {"need": 1})
    assert (first.version, second.version) == (1, 2)
    assert first.recorded_at == second.recorded_at
    (newest,) = rounds.submissions(engine, item.id)
    assert newest.id == second.id
    assert newest.weights["need"] == 1.0


def test_an_answer_is_checked_before_it_is_stored(engine):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    seat = rounds.seat_for_code(engine, code)
    actor = Actor(rounds.code_identity(seat))

    def submit(**kwargs):
        values = {"method": SHARES, "weights": WEIGHTS, "inputs": {}, "code": code, **kwargs}
        return rounds.submit(engine, actor, MODEL, seat, **values)

    for kwargs, message in (
        ({"method": "vote"}, "Ukendt måde at vægte på"),
        ({"weights": {"trust": 0}}, "Alle vægte er 0"),
        ({"weights": {"trust": -1, "need": 2}}, "må ikke være negativ"),
        ({"weights": {"trust": float("nan")}}, "endeligt tal"),
        ({"weights": {"place": 1}}, "Ukendt kriterium"),
        ({"reason": "x" * 2001}, "Begrundelsen har for mange tegn"),
        ({"reason": "a\x00b"}, "kontroltegn"),
        ({"sub_weights": {"t1": 1}}, "kun hovedkriterierne"),
    ):
        with pytest.raises(RoundError, match=message):
            submit(**kwargs)
    assert count(engine, "round_submission") == 0


def test_own_sub_weights_when_the_round_allows_them(engine):
    item = open_round(engine, sub_indicators=True)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    seat = rounds.seat_for_code(engine, code)
    actor = Actor(rounds.code_identity(seat))
    subs = {"t1": 5, "cov": "2,5", "n1": 3, "n2": 1}
    stored = rounds.submit(
        engine, actor, MODEL, seat, method=SHARES, weights=WEIGHTS, inputs={}, code=code, sub_weights=subs
    )
    assert stored.sub_weights == {"t1": 1.0, "cov": 1.0, "n1": 0.75, "n2": 0.25}
    with pytest.raises(RoundError, match="Ukendt indikator: zz"):
        rounds.submit(
            engine,
            actor,
            MODEL,
            seat,
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=code,
            sub_weights={**subs, "zz": 1},
        )
    with pytest.raises(RoundError, match=r"Alle delvægte for 'Tillid' er 0\. Giv mindst én af dens indikatorer"):
        rounds.submit(
            engine,
            actor,
            MODEL,
            seat,
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=code,
            sub_weights={**subs, "t1": 0},
        )
    with pytest.raises(RoundError, match="Vægten for 'N2' må ikke være negativ"):
        rounds.submit(
            engine,
            actor,
            MODEL,
            seat,
            method=SHARES,
            weights=WEIGHTS,
            inputs={},
            code=code,
            sub_weights={**subs, "n2": -1},
        )
    assert len(rounds.submissions(engine, item.id, newest_only=False)) == 1


# ---------------------------------------------------------------- append-only


def _write_fails(engine, statement: str) -> None:
    with pytest.raises(DBAPIError, match="kan ikke ændres eller slettes"), engine.begin() as conn:
        conn.execute(text(statement))


def test_the_round_tables_refuse_update_delete_and_replace(engine):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    by_code(engine, code)
    rounds.reveal(engine, ADMIN, item.id)
    before = dump(engine)
    assert all(count(engine, t) == 1 for t in TABLES)
    for table in TABLES:
        column = "round_id" if table != "weighting_round" else "name"
        value = "2" if table != "weighting_round" else "'Ny'"
        _write_fails(engine, f"UPDATE {table} SET {column} = {value}")
        _write_fails(engine, f"DELETE FROM {table}")
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                columns = [c["name"] for c in inspect(engine).get_columns(table)]
                row = conn.execute(text(f"SELECT * FROM {table}")).mappings().one()
            names = ", ".join(columns)
            marks = ", ".join(f":{c}" for c in columns)
            with pytest.raises(DBAPIError, match="kan ikke ændres"), engine.begin() as conn:
                conn.execute(text(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"), dict(row))
            with pytest.raises(DBAPIError, match="kan ikke ændres"), engine.begin() as conn:
                conn.execute(text(f"REPLACE INTO {table} ({names}) VALUES ({marks})"), dict(row))
        else:
            _write_fails(engine, f"TRUNCATE {table} CASCADE")
    assert dump(engine) == before


def test_a_participant_number_or_answer_version_cannot_be_taken_twice(engine):
    item = open_round(engine)
    code = rounds.invite(engine, ADMIN, item.id, name="Anna").code
    by_code(engine, code)
    with engine.connect() as conn:
        participant = dict(conn.execute(select(round_participant)).mappings().one())
        answer = dict(conn.execute(select(round_submission)).mappings().one())
    participant.pop("id")
    answer.pop("id")
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(round_participant.insert().values(**{**participant, "name": "Bo", "name_key": "bo"}))
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(round_submission.insert().values(**answer))


# ---------------------------------------------------------------- concurrency and paper answers


def test_concurrent_answers_are_all_stored_with_consecutive_versions(engine):
    item = open_round(engine)
    codes = [rounds.invite(engine, ADMIN, item.id, name=f"Person {k}").code for k in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(codes))

    def answer_five(code: str) -> None:
        try:
            start.wait()
            for k in range(5):
                by_code(engine, code, {"trust": k + 1, "need": 1})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer_five, args=(c,)) for c in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    every = rounds.submissions(engine, item.id, newest_only=False)
    assert len(every) == 40
    for number in range(1, 9):
        mine = [s for s in every if s.number == number]
        assert [s.version for s in mine] == [1, 2, 3, 4, 5]  # in id order too
        assert [s.weights["trust"] for s in mine] == pytest.approx([(k + 1) / (k + 2) for k in range(5)])
    assert rounds.progress(engine, item.id).answered == 8


def test_paper_answers_are_stored_all_or_none(engine):
    item = open_round(engine)
    rounds.invite(engine, ADMIN, item.id, name="Anna")
    before = counts(engine)
    good = rounds.PaperAnswer("Bo", {"trust": "2,5", "need": 7.5}, reason="På papir", line=2)
    bad_cases = [
        ([good, rounds.PaperAnswer("Carl", {"trust": "x"}, line=3)], "Linje 3: Vægten for 'Tillid'"),
        ([good, rounds.PaperAnswer("Carl", {"need": -1}, line=3)], "Linje 3: .*må ikke være negativ"),
        ([good, rounds.PaperAnswer("Carl", {"zz": 1}, line=3)], "Linje 3: Ukendt kriterium"),
        ([good, rounds.PaperAnswer("", WEIGHTS, line=3)], "Linje 3: Deltagerens navn skal udfyldes"),
        ([good, rounds.PaperAnswer(" BO ", WEIGHTS, line=3)], "Linje 3: 'BO' står i filen flere gange .*linje 2"),
        ([], "Filen har ingen svar"),
    ]
    for answers, message in bad_cases:
        with pytest.raises(RoundError, match=message):
            rounds.import_answers(engine, ADMIN, MODEL, item.id, answers)
        assert counts(engine) == before
    made = rounds.import_answers(
        engine, ADMIN, MODEL, item.id, [good, rounds.PaperAnswer("anna", {"actors": 1}, line=3)]
    )
    assert [(s.number, s.version, s.method) for s in made] == [(1, 1, "import"), (2, 1, "import")]
    assert made[1].weights == {"trust": 0.25, "actors": 0.0, "need": 0.75}
    assert made[1].reason == "På papir"
    assert made[1].inputs["file"] == {"trust": "2,5", "need": "7.5"}
    assert made[0].weights == {"trust": 0.0, "actors": 1.0, "need": 0.0}
    assert rounds.participants(engine, item.id)[1].name == "Bo"
    assert not rounds.participants(engine, item.id)[1].signed_in
