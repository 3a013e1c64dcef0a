"""`new-year`: the next year started from this one — previous-year figures filled, this year's
left as null (to be filled), texts marked for review, indicators kept with their actuals
cleared; `check` then lists what is left."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from facts_tables import load_facts
from support import DATA

from generator.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "statements"


@pytest.fixture(scope="module")
def next_year(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("newyear") / "2024"
    assert main(["new-year", str(DATA), str(target)]) == 0
    return target


def load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_years_advance(next_year):
    y = load(next_year / "year.yaml")
    assert (y["year"], y["previous_year"]) == ("2024", "2023")
    assert load(next_year / "self_evaluation.yaml")["notice"]["campaign_year"] == "2025"


def test_this_years_figures_become_the_previous_ones(next_year):
    prev = load_facts(next_year / "finance.yaml")["previous"]
    assert prev["income_total"] == prev["expenditure_total"] == Decimal("912.26")
    assert prev["fiscal_total"] == prev["general_budget"] == Decimal("912.26")
    assert prev["three_public"]["reception"] == Decimal("9.4")
    assert prev["operating_costs"] == Decimal("289.99")
    s = load_facts(next_year / "self_evaluation.yaml")
    assert s["budget"]["previous"] == Decimal("912.26")  # 664.57 + 247.69
    assert s["spending"]["previous_total"] == Decimal("854.2")  # 770.35 + 83.85


def test_current_figures_are_left_to_fill(next_year):
    text = (next_year / "finance.yaml").read_text(encoding="utf-8")
    f = yaml.safe_load(text)
    assert f["income"]["general_budget"] is None
    assert f["operating_costs"] is None
    assert all(r["fiscal"] is None for r in f["income_by_function"])
    assert [r for r in f["expenditure_by_function"] if len(r["code"]) == 3] == []
    assert f["three_public"]["reception"]["domestic"] == {
        "batches": None,
        "persons": None,
        "amount": None,
    }
    assert "reported" not in f["basic_by_economic"]
    assert "general_budget: ~" in text  # written as ~, the comments kept beside
    assert "# 一、一般公共预算财政拨款收入" in text


def test_texts_are_kept_and_marked_for_review(next_year):
    text = (next_year / "finance.yaml").read_text(encoding="utf-8")
    assert (
        "purpose: 上级调研和其他省市州来昭调研，开展业务活动开支的住宿费、用餐费等 # 待复核" in text
    )
    assert load(next_year / "finance.yaml")["reasons"] == load(DATA / "finance.yaml")["reasons"]
    s = (next_year / "self_evaluation.yaml").read_text(encoding="utf-8")
    assert "# 待复核" in s.split("problems:")[1].splitlines()[0]


def test_projects_keep_targets_and_lose_actuals(next_year):
    for path in sorted((DATA / "projects").glob("*.yaml")):
        old, kept = load(path), load(next_year / "projects" / path.name)
        new = yaml.safe_load((next_year / "projects" / path.name).read_text(encoding="utf-8"))
        assert kept["name"] == old["name"]
        for field in ("target", "name", "level1", "level2"):
            assert [i[field] for i in kept["indicators"]] == [i[field] for i in old["indicators"]]
        assert all(i["actual"] is None and "deviation" not in i for i in new["indicators"])
        assert all(v is None for fund in new["funds"].values() for v in fund.values())
        if "letter" in new:
            assert all(v is None for v in new["letter"]["scores"].values())
            assert new["letter"]["goal"] == old["letter"]["goal"]


def test_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    target = tmp_path / "2024"
    target.mkdir()
    (target / "note.txt").write_text("keep", encoding="utf-8")
    assert main(["new-year", str(DATA), str(target)]) == 2
    assert "已存在且不为空" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["note.txt"]


def test_an_empty_folder_is_used(tmp_path):
    target = tmp_path / "2024"
    target.mkdir()
    assert main(["new-year", str(DATA), str(target)]) == 0
    assert (target / "finance.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_check_lists_what_is_left(next_year, tmp_path, capsys):
    folder = Path(shutil.copytree(next_year, tmp_path / "2024"))
    capsys.readouterr()
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    for field in ("income_by_function[1].fiscal", "operating_costs", "scores.自评质量"):
        assert field in out, field
    nulls = sum(
        len(re.findall(r"(?<![\w'\"])~(?![\w'\"])", p.read_text(encoding="utf-8")))
        for p in folder.rglob("*.yaml")
    )
    pending = int(re.search(r"还有 (\d+) 项待填", out).group(1))
    assert pending >= nulls > 100  # every ~ counted (a missing 成文日期 may add one)


def test_importing_the_statements_fills_the_new_year(next_year, tmp_path, capsys):
    folder = Path(shutil.copytree(next_year, tmp_path / "2024"))
    assert main(["import", str(FIXTURES / "statements-2023.xlsx"), str(folder)]) == 0
    f = load_facts(folder / "finance.yaml")
    old = load_facts(DATA / "finance.yaml")
    for key in ("income", "income_by_function", "expenditure_by_function", "basic_by_economic"):
        assert f[key] == old[key], key
    assert f["previous"]["operating_costs"] == Decimal("289.99")
    assert f["operating_costs"] is None or f["operating_costs"] == "~"


def test_the_preview_of_a_new_year_shows_what_is_left_and_no_error_page(next_year, tmp_path):
    """Every document of the new year renders in the preview, the empty figures as 【待填】."""
    from generator.preview.engine import Engine

    folder = Path(shutil.copytree(next_year, tmp_path / "2024"))
    engine = Engine(folder)
    try:
        engine.recompute()
        docs = list(engine.docs.values())
        for doc in docs:
            engine.render(doc)
        assert len(docs) == 28
        assert [d.job.title for d in docs if d.error] == []
        disclosure = next(d for d in docs if d.job.kind == "disclosure")
        assert disclosure.html.count("【待填") > 100
    finally:
        engine.close()
