"""The leaderboard wing: submissions in, result records and pages out.

    submissions.py  discover solver folders and read their metadata (untrusted input)
    jobs.py         one (submission or baseline, puzzle) grade -> ResultRecord, never raises
    baselines.py    the harness's own baseline hypotheses
    record.py       ResultRecord: the result file's one definition, its reader and its JSON Schema
    store.py        result files on disk: atomic, hash-indexed, reused while their identity holds
    build.py        `interp-puzzles leaderboard`: grade what changed, write the pages
    rank.py         results -> ranked rows;  markdown.py, html.py (+ assets/): the pages
"""

from .build import LeaderboardBusy, available_puzzles, build, run_lock
from .jobs import GRADE_BUDGET_S, Job, run_job
from .record import SCHEMA_VERSION, Identity, RecordError, ResultRecord, result_schema
from .store import ResultStore

__all__ = ["GRADE_BUDGET_S", "Identity", "Job", "LeaderboardBusy", "RecordError", "ResultRecord", "ResultStore",
           "SCHEMA_VERSION", "available_puzzles", "build", "result_schema", "run_job", "run_lock"]
