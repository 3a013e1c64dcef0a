"""Runs where the finance staff are (issue 14): spawned workers, paths with Chinese and spaces,
the wheel in a fresh virtual environment run from another folder, templates found where the
user points, no CJK font, optional programs found or named as missing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ROOT, TEMPLATES, Built, copy_data, read_docx, run_cli, snapshot

PROJECT = "干部暖心关爱帮扶基金经费"  # one with a letter of its own


def test_spawned_build_into_a_chinese_path_with_spaces(
    data: Path, built: Built, tmp_path: Path
) -> None:
    out = tmp_path / "决算 输出 文件夹" / "2023 年 结果"
    run = run_cli("build", data, "-o", out, GENERATOR_START_METHOD="spawn")
    assert run.returncode == 0, run.stdout + run.stderr
    assert snapshot(out) == snapshot(built.out)  # spawned workers: the same bytes as forked


def test_an_unknown_start_method_is_a_usage_error(data: Path, tmp_path: Path) -> None:
    run = run_cli("build", data, "-o", tmp_path / "out", GENERATOR_START_METHOD="thread")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "GENERATOR_START_METHOD" in run.stderr
    assert not (tmp_path / "out").exists()


def test_no_posix_only_code_paths() -> None:
    """Nothing that exists only on POSIX or Linux, unless looked up with getattr/hasattr."""
    forbidden = re.compile(
        r"os\.fork\(|prctl|signal\.SIG(?:KILL|HUP|CHLD|USR1|USR2|ALRM|QUIT)\b"
        r"|get_context\([\"']fork[\"']\)|os\.(?:getuid|geteuid|setsid|killpg)\("
    )
    for path in (ROOT / "generator").rglob("*.py"):
        found = forbidden.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(ROOT)}: {found}"


# --- templates: --templates DIR, then <data>/templates/, then the defaults ---------------------


def marked_template(folder: Path, name: str, mark: str) -> None:
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    doc = Document(str(TEMPLATES / name))
    doc.add_paragraph(mark)
    doc.save(str(folder / name))


def test_template_lookup_order(tmp_path: Path) -> None:
    from generator.render.templatedirs import TEMPLATES as DEFAULTS
    from generator.render.templatedirs import template_dirs, template_path

    option, data_dir = tmp_path / "mine", tmp_path / "data"
    marked_template(option, "project_table.docx", "A")
    marked_template(data_dir / "templates", "project_table.docx", "B")
    marked_template(data_dir / "templates", "project_letter.docx", "B")
    dirs = template_dirs(option, data_dir)
    assert dirs == (option.resolve(), (data_dir / "templates").resolve(), DEFAULTS)
    assert template_path("project_table.docx", dirs) == option.resolve() / "project_table.docx"
    letter = (data_dir / "templates" / "project_letter.docx").resolve()
    assert template_path("project_letter.docx", dirs) == letter
    assert template_path("disclosure.docx", dirs) == DEFAULTS / "disclosure.docx"
    assert DEFAULTS.resolve() == TEMPLATES.resolve()  # in a checkout: the repository's folder


def test_user_templates_override_one_file_at_a_time(
    data: Path, built: Built, tmp_path: Path
) -> None:
    mine = copy_data(data, tmp_path / "data")
    marked_template(mine / "templates", "project_letter.docx", "数据文件夹中的模板")
    marked_template(tmp_path / "mine", "project_table.docx", "自己的模板")
    marked_template(mine / "templates", "project_table.docx", "不应使用")
    run = run_cli(
        "build",
        mine,
        "-o",
        tmp_path / "out",
        "--project",
        PROJECT,
        "--templates",
        tmp_path / "mine",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = Built.load(tmp_path / "out")
    table = read_docx(out.out / out.path_of("table", PROJECT))
    letter = read_docx(out.out / out.path_of("letter", PROJECT))
    assert table.has("自己的模板") and not table.has("不应使用")
    assert letter.has("数据文件夹中的模板")


def test_a_missing_templates_folder_is_a_usage_error(data: Path, tmp_path: Path) -> None:
    run = run_cli("build", data, "-o", tmp_path / "out", "--templates", tmp_path / "nowhere")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "--templates" in run.stderr


# --- optional programs ----------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="a POSIX shell script stands in for soffice")
def test_soffice_is_found_by_variable_then_path(tmp_path: Path, monkeypatch) -> None:
    from generator.machine.tools_probe import find_soffice

    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho LibreOffice 0.0\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("GENERATOR_SOFFICE", str(fake))
    assert find_soffice() == fake
    monkeypatch.setenv("GENERATOR_SOFFICE", str(tmp_path / "nothing"))
    assert find_soffice() is None  # a wrong setting is not silently replaced by another
    monkeypatch.delenv("GENERATOR_SOFFICE")
    monkeypatch.setenv("PATH", str(fake.parent))
    assert find_soffice() == fake


def test_doctor_names_what_is_missing_for_which_command(monkeypatch, tmp_path: Path) -> None:
    from generator.machine import doctor

    monkeypatch.setattr(doctor, "find_soffice", lambda: None)
    monkeypatch.setattr(doctor, "find_program", lambda name: None)
    monkeypatch.setattr(doctor, "find_chromium", lambda: None)
    text = "\n".join(doctor.report(tmp_path / "out"))
    assert "LibreOffice：✗ 未找到" in text
    assert "build --pdf、preview 的“PDF 页面视图”：✗ 缺少 LibreOffice" in text
    assert re.search(r"测试（python -m pytest）：✗ 缺少 .*pdftotext", text)
    assert "build（生成文档）：✓ 可用" in text
    assert re.search(r"Python：3\.\d+", text) and "图表字体：✓" in text
    assert "所在磁盘剩余" in text and "方案 windows" in text and "方案 gb2312" in text


def test_chart_font_is_chosen_by_name() -> None:
    from generator.charts import cjk_font
    from generator.machine.fonts_probe import CJK_FAMILIES, find_cjk_font

    assert find_cjk_font() in CJK_FAMILIES
    assert cjk_font() == find_cjk_font()


# --- the wheel, in a fresh virtual environment, from another folder ---------------------------


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build --wheel` of a copy of the sources (the checkout stays untouched)."""
    pytest.importorskip("build", reason="python -m build (the test extra) is needed")
    source = tmp_path_factory.mktemp("source")
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=junk)
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (found,) = dist.glob("generator-*.whl")
    return found


def test_the_wheel_carries_the_default_templates(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for template in TEMPLATES.glob("*.docx"):
            member = f"generator/templates/{template.name}"
            assert member in names
            assert archive.read(member) == template.read_bytes()  # one source: templates/
    assert not [n for n in names if n.startswith("templates/")]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel; dependencies from the system's site."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)], check=True)
    python = bin_dir(root) / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    return root


def venv_run(venv: Path, cwd: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GENERATOR_SOFFICE")}
    return subprocess.run(
        [str(bin_dir(venv) / "generator"), *map(str, args)],
        cwd=cwd,
        env={**clean, "GENERATOR_START_METHOD": "spawn", **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def test_the_wheel_builds_from_another_folder_with_spawn(
    venv: Path, data: Path, built: Built, tmp_path: Path
) -> None:
    where = subprocess.run(
        [str(bin_dir(venv) / "python"), "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
    run = venv_run(venv, tmp_path, "build", data, "-o", "OUT")
    assert run.returncode == 0, run.stdout + run.stderr
    assert snapshot(tmp_path / "OUT") == snapshot(built.out)


def bundled_fonts_only(venv: Path, folder: Path) -> Path:
    """A matplotlib configuration folder whose font list holds only matplotlib's own fonts
    (DejaVu, STIX…): with it, matplotlib sees exactly what a machine without CJK fonts has."""
    script = (
        "import matplotlib, pathlib\n"
        "from matplotlib import font_manager as fm\n"
        "own = pathlib.Path(matplotlib.get_data_path(), 'fonts').resolve()\n"
        "keep = lambda f: own in pathlib.Path(f.fname).resolve().parents\n"
        "fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if keep(f)]\n"
        "fm.fontManager.afmlist = [f for f in fm.fontManager.afmlist if keep(f)]\n"
        "name = f'fontlist-v{fm.FontManager.__version__}.json'\n"
        "fm.json_dump(fm.fontManager, pathlib.Path(matplotlib.get_cachedir(), name))\n"
        "print(sorted({f.name for f in fm.fontManager.ttflist}))\n"
    )
    folder.mkdir()
    done = subprocess.run(
        [str(bin_dir(venv) / "python"), "-c", script],
        env={**os.environ, "MPLCONFIGDIR": str(folder)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DejaVu Sans" in done.stdout and "CJK" not in done.stdout, done.stdout
    return folder


def test_without_a_cjk_font_the_build_says_what_to_install(
    venv: Path, data: Path, tmp_path: Path
) -> None:
    config = bundled_fonts_only(venv, tmp_path / "mpl")
    run = venv_run(venv, tmp_path, "build", data, "-o", "OUT", MPLCONFIGDIR=str(config))
    assert run.returncode in (1, 2), run.stdout + run.stderr
    assert "未找到可用于图表的中文字体" in run.stderr
    assert "Noto Sans CJK SC" in run.stderr and "fonts-noto-cjk" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "OUT").exists()

    doctor = venv_run(
        venv, tmp_path, "doctor", MPLCONFIGDIR=str(config), GENERATOR_SOFFICE=str(tmp_path / "no")
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "图表字体：✗ 未找到" in doctor.stdout
    assert "LibreOffice：✗ 未找到" in doctor.stdout
    assert "build --pdf、preview 的“PDF 页面视图”：✗ 缺少 中文字体（图表）、LibreOffice" in (
        doctor.stdout
    )
