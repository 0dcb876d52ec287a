"""The server-rendered SVG chart of a cell's stars: well-formed, accessible, self-contained, drawn to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from consultation.charts import ChartPoint, star_history_svg

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2024, 1, 10, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
POINTS = [
    ChartPoint(START, 3, "Revision 1"),
    ChartPoint(START + timedelta(days=50), 4, "Revision 2"),
    ChartPoint(START + timedelta(days=100), None, "Revision 3"),
]


def _chart(**kwargs) -> ET.Element:
    return ET.fromstring(star_history_svg(POINTS, title="Stars of 1a for Privacy", **kwargs))


def test_the_chart_is_well_formed_svg_with_a_title_and_description_it_is_labelled_by():
    root = _chart()

    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Stars of 1a for Privacy"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (
        desc.text
        == "Revision 1 on 10 Jan 2024: 3 stars; Revision 2 on 29 Feb 2024: 4 stars; Revision 3 on 19 Apr 2024: N/A"
    )


def test_each_revision_is_a_point_with_its_own_title():
    circles = _chart().findall(f"{SVG}circle")

    assert [c.find(f"{SVG}title").text for c in circles] == [
        "Revision 1, 10 Jan 2024: 3 stars",
        "Revision 2, 29 Feb 2024: 4 stars",
        "Revision 3, 19 Apr 2024: N/A",
    ]


def test_the_points_stand_on_the_rows_of_their_stars_and_at_their_dates():
    root = _chart(width=560, height=190)
    rows = {
        t.text: float(t.get("y")) - 4 for t in root.findall(f"{SVG}text") if "★" in (t.text or "") or t.text == "N/A"
    }
    circles = root.findall(f"{SVG}circle")

    assert [float(c.get("cy")) for c in circles] == [rows["3 ★"], rows["4 ★"], rows["N/A"]]
    xs = [float(c.get("cx")) for c in circles]
    assert xs[0] < xs[1] < xs[2]
    assert abs((xs[1] - xs[0]) - (xs[2] - xs[1])) < 0.2  # 50 days each: equal steps


def test_the_line_steps_from_value_to_value_and_holds_the_last_until_the_given_time():
    path = _chart(until=START + timedelta(days=200)).find(f"{SVG}path").get("d")

    assert re.fullmatch(r"M[\d.]+,[\d.]+(H[\d.]+V[\d.]+){2}H[\d.]+", path)


def test_the_svg_fetches_nothing_and_runs_nothing():
    text = star_history_svg(POINTS, title='A "quoted" <title> & more')

    assert "href" not in text and "<script" not in text and "url(" not in text and "style=" not in text
    assert not re.search(r"\son[a-z]+=", text)
    assert "&lt;title&gt; &amp; more" in text


def test_a_cell_without_revisions_says_so():
    root = ET.fromstring(star_history_svg([], title="Nothing yet"))

    assert root.find(f"{SVG}desc").text == "No revision yet."
    assert root.find(f"{SVG}circle") is None


def test_the_same_data_gives_the_same_chart():
    assert star_history_svg(POINTS, title="t") == star_history_svg(list(reversed(POINTS)), title="t")
