"""The disclosure survives a conversion to PDF with LibreOffice: CJK text, figures and pictures."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import DISCLOSURE, Built, norm

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFIMAGES = shutil.which("pdfimages")


@pytest.fixture(scope="module")
def pdf(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed (CI: apt install libreoffice-writer-nogui)"
        )
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (CI: apt install poppler-utils)")
    root = tmp_path_factory.mktemp("pdf")
    profile = (root / "profile").as_uri()  # a private profile: no clash with a running office
    run = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root / "pdf"),
            str(built.out / DISCLOSURE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = root / "pdf" / Path(DISCLOSURE).with_suffix(".pdf").name
    assert result.is_file(), f"no PDF from soffice:\n{run.stdout}\n{run.stderr}"
    return result


@pytest.fixture(scope="module")
def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    run = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=120
    )
    return norm(run.stdout.decode("utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "第一部分部门概况",
        "一、部门职责",
        "贯彻新时代党的建设总要求和新时代党的组织路线",
        "2023年度收、支总计均为912.26万元。",
        "收、支总计各增加158.44万元，增长21%。",
        "（图1：收、支决算总计变动情况图）",
        "（图7：“三公”经费财政拨款支出结构）",
        "机关运行经费支出289.99万元，比2022年度减少35.56万元，下降10.9%。",
        "第三部分名词解释",
        "二十三、机关运行经费",
        "广元市昭化区财政项目支出绩效自评表",
        "干部暖心关爱帮扶基金经费",
    ],
)
def test_pdf_holds_the_text(pdf_text: str, text: str) -> None:
    assert norm(text) in pdf_text


def test_pdf_holds_the_charts(pdf: Path) -> None:
    if PDFIMAGES is None:
        pytest.skip("pdfimages is not installed (CI: apt install poppler-utils)")
    run = subprocess.run(
        [PDFIMAGES, "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=120
    )
    image = re.compile(r"\s*\d+\s+\d+\s+image\b")  # page, num, type (smask rows aside)
    images = [line for line in run.stdout.splitlines() if image.match(line)]
    assert len(images) >= 7, run.stdout
