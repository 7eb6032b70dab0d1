"""The leaderboard of library-api (10 categories) in a real browser, at 1,280 and 400 px:
the page never scrolls sideways (the table scrolls inside its card), no category title is cut,
and screenshots of both are saved under results/screenshots/ (not committed) to look at."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from grader.reports.figures import heat_colour
from grader.reports.leaderboard import LeaderboardEntry, render_leaderboard
from grader.reports.screenshots import dump_dom, take_screenshot
from grader.reports.views import grader_view
from tests.conftest import REPO
from tests.unit.test_console_summary_width import NAMES, SPEC, result

SCREENSHOTS = REPO / "results" / "screenshots"
MEASURE = """
<script>
window.addEventListener("load", function () {
  document.body.setAttribute("data-page-overflow",
    String(document.documentElement.scrollWidth - window.innerWidth));
  var box = document.getElementById("board").parentElement;
  document.body.setAttribute("data-table-overflow", String(box.scrollWidth - box.clientWidth));
});
</script>
"""


def leaderboard(folder: Path) -> Path:
    results = [result(name, every) for name, every in zip(NAMES, (0, 2, 3, 5, 7, 50), strict=True)]
    entries = [LeaderboardEntry(grader_view(r), f"{r.submission.id}/report.html") for r in results]
    page = folder / "index.html"
    page.write_text(
        render_leaderboard("library-api-run", entries).replace("</body>", MEASURE + "</body>")
    )
    return page


@pytest.mark.parametrize("width", [1280, 400])
def test_the_page_never_overflows_and_titles_are_whole(
    chromium: str, tmp_path: Path, width: int
) -> None:
    page = leaderboard(tmp_path)

    dom = dump_dom(page, width)

    overflow = re.search(r'data-page-overflow="(-?\d+)"', dom)
    assert overflow is not None, "the measuring script ran"
    assert int(overflow.group(1)) <= 0, f"the page is {overflow.group(1)} px wider than {width}"
    if width >= 1280:  # the whole table fits a laptop screen; on a phone it scrolls in its card
        inner = re.search(r'data-table-overflow="(-?\d+)"', dom)
        assert inner is not None
        assert int(inner.group(1)) <= 0, f"the table is {inner.group(1)} px wider than its card"
    for category in SPEC.rubric.categories:
        assert f">{category.title}</th>" in dom.replace("&amp;", "&"), category.title
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = take_screenshot(page, tmp_path / f"leaderboard-{width}.png", width, 900)
    shutil.copy2(shot, SCREENSHOTS / shot.name)


def test_the_heatmap_tells_98_percent_from_100() -> None:
    def hue(colour: str) -> int:
        found = re.match(r"hsl\((\d+) ", colour)
        assert found is not None
        return int(found.group(1))

    assert hue(heat_colour(1.0)) - hue(heat_colour(0.98)) >= 30
    assert hue(heat_colour(0.5)) < hue(heat_colour(0.98))
