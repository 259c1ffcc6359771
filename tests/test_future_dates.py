"""An article dated in the future is published all the same, so ``dateline check`` and
``build`` warn of it, naming the file and the line of ``date:``. The dates are far from
any day these tests may run on."""

from __future__ import annotations

import datetime as dt
import time

from dateline.archive import load_archive
from tests.projects import Project, article


def future_warnings(project: Project) -> list[str]:
    _archive, problems = load_archive(project.settings)
    return [str(problem) for problem in problems if "is in the future" in problem.message]


def warning(line: int, written: str, name: str = "story.md") -> str:
    return (f'articles/{name}:{line}: date: warning: "{written}" is in the future, yet the article is '
            "published with the next build; to hold it back until then, set draft: true")


def test_a_future_date_is_a_warning_with_its_file_and_line(project: Project) -> None:
    project.write("story.md", article(date="9000-01-01"))
    project.write("timed.md", article(title="Timed", date="9000-01-01T09:30:00+04:30"))
    project.write("past.md", article(title="Past", date="2021-08-13T22:30:00+04:30"))
    checked = project.run("check")
    assert checked.returncode == 0, checked.stderr  # a warning: nothing is held back
    output = checked.stdout + checked.stderr
    assert warning(3, "9000-01-01") in output
    assert warning(3, "9000-01-01T09:30:00+04:30", "timed.md") in output
    assert "past.md" not in output


def test_a_draft_dated_in_the_future_has_no_warning(project: Project) -> None:
    project.write("story.md", article(date="9000-01-01", draft="true"))
    assert future_warnings(project) == []


def test_a_date_within_a_day_of_now_has_no_warning(project: Project) -> None:
    # Its day may already have begun where it was written (UTC+14), or it is out within
    # hours: the margin is a day, whatever the day the test runs on.
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)
    project.write("story.md", article(date=soon.isoformat(timespec="seconds")))
    project.write("tomorrow.md", article(title="Tomorrow", date=(soon - dt.timedelta(hours=19)).date().isoformat()))
    assert future_warnings(project) == []


def test_the_warning_goes_when_the_time_comes_though_the_file_is_unchanged(project: Project) -> None:
    # The read cache keeps no result that holds only for now: the same file, its time
    # come, is read again and has no warning.
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1, seconds=5)).replace(microsecond=0)
    written = due.isoformat().replace("+00:00", "Z")
    project.write("story.md", article(date=written))
    assert future_warnings(project) == [warning(3, written)]
    time.sleep(max(0.0, (due - dt.timedelta(days=1) - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)
    assert future_warnings(project) == []
