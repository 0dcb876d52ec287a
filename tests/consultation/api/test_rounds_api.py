"""Rating rounds over the API: rounds/, rounds/{n}/, rounds/{n}/my-ratings/ and rounds/{n}/results/."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Assessment, Membership, Role, RoundAnswer, RoundStatus, Status
from consultation.services.rounds import round_open
from tests.consultation.rounds_fixtures import answer, make_expert, make_grid, make_round
from tests.factories import ConsultationFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def rounds_url(consultation, n=None, rest="") -> str:
    return f"{API}/consultations/{consultation.slug}/rounds/" + (f"{n}/{rest}" if n else "")


def _window(start=-1, end=7) -> dict:
    now = timezone.now()
    return {"opens_at": (now + timedelta(days=start)).isoformat(), "closes_at": (now + timedelta(days=end)).isoformat()}


@pytest.fixture
def grid(consultation):
    return make_grid(consultation)


@pytest.fixture
def open_round(consultation, secretariat, grid):
    now = timezone.now()
    return round_open(
        consultation=consultation,
        user=secretariat,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )


# --- rounds/ -------------------------------------------------------------------------------------------------


def test_secretariat_opens_a_round_over_every_cell(consultation, grid, as_role):
    response = as_role("secretariat").post(rounds_url(consultation), {"title": "First", **_window()}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["title"], body["status"], body["phase"], body["cell_count"]) == (
        1, "First", "open", "open", 4,
    )  # fmt: skip
    assert body["cells"] == [
        {"solution": "1a", "criterion": "effectiveness"},
        {"solution": "1a", "criterion": "privacy"},
        {"solution": "1b", "criterion": "effectiveness"},
        {"solution": "1b", "criterion": "privacy"},
    ]
    assert body["my_ratings"].endswith(rounds_url(consultation, 1, "my-ratings/"))
    assert response["ETag"]


def test_secretariat_opens_a_round_over_chosen_cells(consultation, grid, as_role):
    cells = [{"solution": "1b", "criterion": "privacy"}]
    response = as_role("secretariat").post(rounds_url(consultation), {**_window(), "cells": cells}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["cells"] == cells


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**_window(), "cells": [{"solution": "9z", "criterion": "privacy"}]}, "cells"),
        ({**_window(), "cells": [{"solution": "1a"}]}, "cells"),
        (_window(start=2, end=1), "closes_at"),
        (_window(start=-3, end=-2), "closes_at"),
        ({"opens_at": "tomorrow", "closes_at": _window()["closes_at"]}, "opens_at"),
    ],
)
def test_bad_rounds_are_refused_with_field_errors(consultation, grid, as_role, body, field):
    response = as_role("secretariat").post(rounds_url(consultation), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not consultation.rounds.exists()


def test_no_round_opens_while_the_previous_one_is_open(consultation, open_round, as_role):
    response = as_role("secretariat").post(rounds_url(consultation), _window(), format="json")

    assert response.status_code == 409
    assert "Round 1 is still open" in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "expected"), [("expert", 403), ("observer", 403), ("anonymous", 401), ("outsider", 404)]
)
def test_only_the_secretariat_opens_rounds(consultation, grid, as_role, role, expected):
    assert as_role(role).post(rounds_url(consultation), _window(), format="json").status_code == expected
    assert not consultation.rounds.exists()


def test_members_list_the_rounds_oldest_first(consultation, grid, open_round, as_role):
    make_round(consultation, number=2, cells=[], starts=10, ends=20)
    results = as_role("observer").get(rounds_url(consultation)).json()["results"]

    assert [(r["number"], r["phase"], r["cell_count"]) for r in results] == [(1, "open", 4), (2, "upcoming", 0)]


def test_a_closed_consultation_opens_no_round(consultation, grid, as_role):
    consultation.status = Status.CLOSED
    consultation.save()

    assert as_role("secretariat").post(rounds_url(consultation), _window(), format="json").status_code == 409


# --- rounds/{n}/ ---------------------------------------------------------------------------------------------


def test_secretariat_closes_a_round_and_closing_again_changes_nothing(consultation, open_round, as_role):
    client = as_role("secretariat")
    etag = client.get(rounds_url(consultation, 1))["ETag"]

    first = client.patch(rounds_url(consultation, 1), {"status": "closed"}, format="json", headers={"If-Match": etag})
    again = client.patch(rounds_url(consultation, 1), {"status": "closed"}, format="json")

    assert first.status_code == again.status_code == 200
    assert (first.json()["status"], first.json()["phase"]) == ("closed", "closed")
    assert first.json()["closed_at"] == again.json()["closed_at"]
    assert first["ETag"] != etag


def test_a_stale_if_match_is_a_412_and_changes_nothing(consultation, open_round, as_role):
    client = as_role("secretariat")
    etag = client.get(rounds_url(consultation, 1))["ETag"]
    later = (open_round.closes_at + timedelta(days=2)).isoformat()
    assert client.patch(rounds_url(consultation, 1), {"closes_at": later}, format="json").status_code == 200

    response = client.patch(
        rounds_url(consultation, 1), {"status": "closed"}, format="json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    assert open_round.closes_at == open_round.closes_at.fromisoformat(later)


def test_a_closed_round_is_not_reopened_nor_rescheduled(consultation, open_round, as_role):
    client = as_role("secretariat")
    client.patch(rounds_url(consultation, 1), {"status": "closed"}, format="json")

    assert client.patch(rounds_url(consultation, 1), {"status": "open"}, format="json").status_code == 409
    later = (timezone.now() + timedelta(days=30)).isoformat()
    assert client.patch(rounds_url(consultation, 1), {"closes_at": later}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("role", "expected"), [("expert", 403), ("observer", 403), ("anonymous", 401), ("outsider", 404)]
)
def test_only_the_secretariat_closes_rounds(consultation, open_round, as_role, role, expected):
    assert as_role(role).patch(rounds_url(consultation, 1), {"status": "closed"}, format="json").status_code == expected
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_an_unknown_round_is_a_404(consultation, open_round, as_role):
    assert as_role("secretariat").get(rounds_url(consultation, 7)).status_code == 404


# --- rounds/{n}/my-ratings/ ----------------------------------------------------------------------------------


def test_an_expert_reads_every_cell_and_saves_some_as_they_go(consultation, open_round, as_role, expert):
    client = as_role("expert")
    url = rounds_url(consultation, 1, "my-ratings/")
    before = client.get(url).json()["results"]
    assert [(r["solution"], r["criterion"], r["answered"]) for r in before] == [
        ("1a", "effectiveness", False), ("1a", "privacy", False),
        ("1b", "effectiveness", False), ("1b", "privacy", False),
    ]  # fmt: skip

    saved = client.put(
        url,
        [
            {"solution": "1a", "criterion": "privacy", "stars": 2, "comment": "Scanning weakens it."},
            {"solution": "1b", "criterion": "effectiveness", "stars": None, "cannot_judge": True},
        ],
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert [(r["solution"], r["criterion"], r["stars"], r["cannot_judge"]) for r in saved.json()] == [
        ("1a", "privacy", 2, False), ("1b", "effectiveness", None, True),
    ]  # fmt: skip
    # A second save of one cell replaces that answer and leaves the other.
    client.put(url, [{"solution": "1a", "criterion": "privacy", "stars": 3}], format="json")

    after = {(r["solution"], r["criterion"]): (r["stars"], r["cannot_judge"], r["comment"], r["answered"])
             for r in client.get(url).json()["results"]}  # fmt: skip
    assert after[("1a", "privacy")] == (3, False, "", True)
    assert after[("1b", "effectiveness")] == (None, True, "", True)
    assert after[("1a", "effectiveness")] == (None, False, "", False)
    assert RoundAnswer.objects.filter(expert=expert).count() == 2


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"solution": "1a", "criterion": "privacy", "stars": 6}, "stars"),
        ({"solution": "1a", "criterion": "privacy", "stars": 0}, "stars"),
        ({"solution": "1a", "criterion": "privacy", "stars": "many"}, "stars"),
        ({"solution": "1a", "criterion": "privacy", "stars": 3, "cannot_judge": True}, "stars"),
        ({"solution": "1a", "criterion": "privacy", "comment": "No stars"}, "stars"),
        ({"solution": "9z", "criterion": "privacy", "stars": 3}, "solution"),
        ({"criterion": "privacy", "stars": 3}, "solution"),
    ],
)
def test_bad_ratings_get_field_errors_per_item_and_nothing_is_saved(consultation, open_round, as_role, item, field):
    good = {"solution": "1b", "criterion": "privacy", "stars": 4}
    response = as_role("expert").put(rounds_url(consultation, 1, "my-ratings/"), [good, item], format="json")

    assert response.status_code == 400
    errors = response.json()  # by the item's index in the list
    assert list(errors) == ["1"]
    assert field in errors["1"]
    assert not RoundAnswer.objects.exists()


def test_a_cell_outside_the_round_is_refused(consultation, secretariat, grid, as_role):
    now = timezone.now()
    round_open(
        consultation=consultation,
        user=secretariat,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        cells=[("1a", "privacy")],
    )
    response = as_role("expert").put(
        rounds_url(consultation, 1, "my-ratings/"),
        [{"solution": "1b", "criterion": "privacy", "stars": 3}],
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["0"]["solution"] == ["1b × privacy is not a cell of round 1."]


def test_the_same_cell_twice_is_refused(consultation, open_round, as_role):
    item = {"solution": "1a", "criterion": "privacy", "stars": 3}
    response = as_role("expert").put(rounds_url(consultation, 1, "my-ratings/"), [item, item], format="json")

    assert response.status_code == 400
    assert "given twice" in str(response.json())


@pytest.mark.parametrize(
    ("status", "starts", "ends"), [(RoundStatus.CLOSED, -3, 3), (RoundStatus.OPEN, 1, 3), (RoundStatus.OPEN, -3, -1)]
)
def test_ratings_are_refused_with_409_unless_the_round_is_open(consultation, grid, as_role, status, starts, ends):
    cell = Assessment.objects.create(consultation=consultation, solution=grid[0][0], criterion=grid[1][0])
    make_round(consultation, cells=[cell], status=status, starts=starts, ends=ends)
    item = {"solution": cell.solution.code, "criterion": cell.criterion.key, "stars": 3}

    response = as_role("expert").put(rounds_url(consultation, 1, "my-ratings/"), [item], format="json")

    assert response.status_code == 409
    assert "Nothing was saved" in response.json()["detail"]
    assert not RoundAnswer.objects.exists()


def test_ratings_are_refused_in_a_closed_consultation(consultation, open_round, as_role):
    consultation.status = Status.ARCHIVED
    consultation.save()
    item = {"solution": "1a", "criterion": "privacy", "stars": 3}

    assert as_role("expert").put(rounds_url(consultation, 1, "my-ratings/"), [item], format="json").status_code == 409


@pytest.mark.parametrize(
    ("role", "expected"), [("secretariat", 403), ("observer", 403), ("anonymous", 401), ("outsider", 404)]
)
def test_only_experts_have_ratings(consultation, open_round, as_role, role, expected):
    client = as_role(role)
    url = rounds_url(consultation, 1, "my-ratings/")
    item = {"solution": "1a", "criterion": "privacy", "stars": 3}

    assert client.get(url).status_code == expected
    assert client.put(url, [item], format="json").status_code == expected
    assert not RoundAnswer.objects.exists()


def test_an_expert_never_reads_another_experts_ratings(consultation, open_round, as_role):
    other = make_expert(consultation, "otto")
    answer(open_round, open_round.cells.get(solution__code="1a", criterion__key="privacy"), other, 5, comment="mine")

    results = as_role("expert").get(rounds_url(consultation, 1, "my-ratings/")).json()["results"]

    assert not any(r["answered"] or r["comment"] for r in results)


# --- rounds/{n}/results/ -------------------------------------------------------------------------------------


@pytest.fixture
def answered(consultation, open_round):
    cell = open_round.cells.get(solution__code="1a", criterion__key="privacy")
    for name, expert_type, stars in (("a1", "academia", 2), ("i1", "industry", 4), ("i2", "industry", 5)):
        answer(open_round, cell, make_expert(consultation, name, expert_type), stars)
    answer(open_round, cell, make_expert(consultation, "n1"), None, cannot_judge=True)
    return open_round


def test_experts_see_the_figures_only_once_the_round_is_closed(consultation, answered, as_role):
    expert, secretariat = as_role("expert"), as_role("secretariat")
    url = rounds_url(consultation, 1, "results/")
    assert expert.get(url).status_code == 403

    secretariat.patch(rounds_url(consultation, 1), {"status": "closed"}, format="json")
    response = expert.get(url)

    assert response.status_code == 200
    cell = next(r for r in response.json()["results"] if (r["solution"], r["criterion"]) == ("1a", "privacy"))
    assert cell == {
        "solution": "1a",
        "criterion": "privacy",
        "n": 3,
        "cannot_judge": 1,
        "median": 4.0,
        "quartiles": [3.0, 4.0, 4.5],
        "iqr": 1.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "share_within_one": 66.7,
        "consensus": False,
    }


def test_observers_and_the_secretariat_read_the_figures_while_the_round_runs(consultation, answered, as_role):
    for role in ("observer", "secretariat"):
        response = as_role(role).get(rounds_url(consultation, 1, "results/"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == 4


def test_figures_split_by_expert_type(consultation, answered, as_role):
    results = as_role("observer").get(rounds_url(consultation, 1, "results/"), {"by": "expert_type"}).json()["results"]
    cell = next(r for r in results if (r["solution"], r["criterion"]) == ("1a", "privacy"))

    split = {key: (f["n"], f["cannot_judge"], f["median"]) for key, f in cell["by_expert_type"].items()}
    assert split == {"academia": (1, 0, 2.0), "industry": (2, 0, 4.5), "not_stated": (0, 1, None)}
    assert all(r["by_expert_type"] == {} for r in results if r is not cell)


def test_an_unknown_split_is_a_400(consultation, answered, as_role):
    response = as_role("observer").get(rounds_url(consultation, 1, "results/"), {"by": "country"})

    assert response.status_code == 400
    assert "by" in response.json()


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("outsider", 404)])
def test_non_members_never_see_results(consultation, answered, as_role, role, expected):
    assert as_role(role).get(rounds_url(consultation, 1, "results/")).status_code == expected
    assert as_role(role).get(rounds_url(consultation)).status_code == expected


# --- Query counts --------------------------------------------------------------------------------------------


def _round_of_size(secretariat, n_solutions: int, n_experts: int):
    consultation = ConsultationFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    codes = [f"{i}x" for i in range(n_solutions)]
    make_grid(consultation, codes=codes, keys=("effectiveness", "privacy", "security"))
    now = timezone.now()
    round = round_open(
        consultation=consultation,
        user=secretariat,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    experts = [
        make_expert(consultation, f"{consultation.slug}-e{i}", ("academia", "industry", "")[i % 3])
        for i in range(n_experts)
    ]
    for i, expert in enumerate(experts):
        for j, cell in enumerate(round.cells.all()):
            answer(round, cell, expert, (i + j) % 5 + 1)
    return consultation, experts[0]


@pytest.mark.parametrize("path", ["results/", "results/?by=expert_type", "my-ratings/", "", "list"])
def test_round_reads_cost_the_same_queries_for_a_small_and_a_large_round(secretariat, client_for, path):
    counts = []
    for n_solutions, n_experts in ((2, 2), (12, 6)):
        consultation, first_expert = _round_of_size(secretariat, n_solutions, n_experts)
        user = first_expert if path.startswith("my-ratings") else secretariat
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(rounds_url(consultation) if path == "list" else rounds_url(consultation, 1, path))
        assert response.status_code == 200, response.content
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- The consensus rule ------------------------------------------------------------------------------------


def test_the_secretariat_sets_the_consensus_rule_on_the_consultation(consultation, answered, as_role):
    client = as_role("secretariat")
    detail = f"{API}/consultations/{consultation.slug}/"
    assert (client.get(detail).json()["consensus_min_share"], client.get(detail).json()["consensus_max_iqr"]) == (70, 1)

    response = client.patch(detail, {"consensus_min_share": 60, "consensus_max_iqr": 1.5}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["consensus_min_share"], response.json()["consensus_max_iqr"]) == (60, 1.5)
    # 2 of 3 answers within one star of the median (66.7%) and an IQR of 1.5 now make consensus.
    results = client.get(rounds_url(consultation, 1, "results/")).json()["results"]
    assert next(r for r in results if r["solution"] == "1a" and r["criterion"] == "privacy")["consensus"] is True


@pytest.mark.parametrize(
    "body",
    [{"consensus_min_share": 0}, {"consensus_min_share": 101}, {"consensus_max_iqr": 4.5}, {"consensus_max_iqr": -1}],
)
def test_a_rule_out_of_range_is_a_400(consultation, as_role, body):
    response = as_role("secretariat").patch(f"{API}/consultations/{consultation.slug}/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body)


def test_experts_do_not_set_the_rule(consultation, as_role):
    body = {"consensus_min_share": 10}
    assert as_role("expert").patch(f"{API}/consultations/{consultation.slug}/", body, format="json").status_code == 403


# --- Malformed input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"solution": "1a", "criterion": "privacy", "stars": 3},  # not a list
        "3 stars",
        [None],
        [{"solution": "1a", "criterion": "privacy", "stars": 3.5}],
        [{"solution": "1a", "criterion": "privacy", "stars": 3, "cannot_judge": "maybe"}],
        [{"solution": ["1a"], "criterion": {"key": "privacy"}, "stars": 3}],
        [{"solution": "1a", "criterion": "privacy", "stars": 3, "comment": "x" * 5001}],
    ],
)
def test_malformed_ratings_are_a_400_never_a_500(consultation, open_round, as_role, body):
    response = as_role("expert").put(rounds_url(consultation, 1, "my-ratings/"), body, format="json")

    assert response.status_code == 400
    assert not RoundAnswer.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {**_window(), "cells": "all"},
        {**_window(), "cells": [["1a", "privacy"]]},
        {**_window(), "title": "x" * 201},
        {"opens_at": None, "closes_at": None},
        {"opens_at": "9999-99-99T00:00:00Z", "closes_at": "2026-01-01"},
    ],
)
def test_malformed_rounds_are_a_400_never_a_500(consultation, grid, as_role, body):
    response = as_role("secretariat").post(rounds_url(consultation), body, format="json")

    assert response.status_code == 400
    assert not consultation.rounds.exists()


@pytest.mark.parametrize("body", [{"status": "paused"}, {"closes_at": "soon"}, {"closes_at": None}])
def test_malformed_round_changes_are_a_400(consultation, open_round, as_role, body):
    assert as_role("secretariat").patch(rounds_url(consultation, 1), body, format="json").status_code == 400
