"""A small slice of the shared evaluation file, so that ranking regressions show.

All expected persons plus a few hundred near-neighbour distractors; the full file is scored
by ``manage.py search_eval``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

#: shared/eval beside the repository (ABH_EVAL_DIR elsewhere, e.g. in a clone further down).
EVAL = Path(
    os.environ.get("ABH_EVAL_DIR") or Path(__file__).resolve().parents[3] / "shared" / "eval"
)
ROOT = Path(__file__).resolve().parents[2]


_ES = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not settings.ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set"),
]


@pytest.mark.parametrize(
    ("name", "recall", "mrr", "backend"),
    [
        ("names-public.jsonl", 0.97, 0.9, "default"),
        # Every population: scripts, MRZ lines, initials, Chinese, one of two surnames…
        ("names-public-v2.jsonl", 0.98, 0.93, "default"),
        pytest.param("names-public.jsonl", 0.97, 0.9, "elasticsearch", marks=_ES),
        pytest.param("names-public-v2.jsonl", 0.98, 0.93, "elasticsearch", marks=_ES),
    ],
)
def test_recall_and_mrr_stay_above_the_floor(tmp_path, name, recall, mrr, backend):
    path = EVAL / name
    if not path.exists():
        pytest.skip(f"shared evaluation file {name} not present")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    persons = [r for r in records if r["kind"] == "person"]
    queries = [r for r in records if r["kind"] == "query"]
    expected = {ref for q in queries for ref in q["expect"]}
    sample = [p for p in persons if p["ref"] in expected]
    sample += [p for p in persons if p["ref"] not in expected][:400]
    path = tmp_path / "slice.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in sample + queries), encoding="utf-8"
    )
    # A process of its own: the command builds and drops its own scratch database.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "search_eval", str(path), "--quiet", "--backend", backend],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    last = done.stdout.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split())
    assert float(figures["recall@10"]) >= recall
    assert float(figures["mrr"]) >= mrr
