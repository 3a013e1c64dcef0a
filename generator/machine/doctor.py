"""`generator doctor`: what this machine has for each role, and what is missing for which command.

Read-only and quick: it runs `fc-list` and `soffice --version` at most once each, never fails
(exit 0), and says everything in Chinese.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.machine.tools_probe import find_chromium, find_program, find_soffice, soffice_version

OK, MISSING = "✓", "✗"
MIN_PYTHON = (3, 11)

# Each 公文 face with the other names it goes by (fontconfig lists both, matplotlib the Latin).
FACE_ALIASES: dict[str, tuple[str, ...]] = {
    "仿宋": ("FangSong", "仿宋"),
    "楷体": ("KaiTi", "楷体"),
    "黑体": ("SimHei", "黑体"),
    "宋体": ("SimSun", "宋体"),
    "仿宋_GB2312": ("FangSong_GB2312", "仿宋_GB2312"),
    "楷体_GB2312": ("KaiTi_GB2312", "楷体_GB2312"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "方正小标宋简体"),
}
PRESET_FACES: dict[str, tuple[str, ...]] = {
    "windows": ("仿宋", "楷体", "黑体", "宋体"),
    "gb2312": ("仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"),
}
PRESET_NOTES = {
    "windows": "Windows 自带的仿宋、楷体、黑体，标题用宋体加粗代替小标宋",
    "gb2312": "公文专用的仿宋_GB2312、楷体_GB2312、黑体、方正小标宋简体",
}


@dataclass(frozen=True)
class Tool:
    label: str
    path: Path | None
    detail: str = ""

    def line(self) -> str:
        if self.path is None:
            return f"{self.label}：{MISSING} 未找到"
        tail = f"（{self.detail}）" if self.detail else ""
        return f"{self.label}：{OK} {self.path}{tail}"


def python_line() -> tuple[str, bool]:
    version = ".".join(map(str, sys.version_info[:3]))
    good = sys.version_info[:2] >= MIN_PYTHON
    mark = OK if good else f"{MISSING} 需要 3.11 或更高版本"
    return f"Python：{version}（{sys.executable}）{mark}", good


def chart_font() -> str | None:
    try:
        from generator.machine.fonts_probe import find_cjk_font

        return find_cjk_font()
    except Exception:  # noqa: BLE001 - a broken matplotlib is reported as "no font"
        return None


def system_families() -> set[str]:
    """Font family names fontconfig knows (every alias), else those matplotlib knows."""
    families: set[str] = set()
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            done = subprocess.run(
                [fc_list, "--format", "%{family}\n"], capture_output=True, timeout=20, check=False
            )
            for line in done.stdout.decode("utf-8", "replace").splitlines():
                families.update(name.strip() for name in line.split(",") if name.strip())
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        from generator.machine.fonts_probe import installed_families

        families |= installed_families()
    except Exception:  # noqa: BLE001 - no matplotlib: fontconfig's answer alone
        pass
    return families


def faces_found(families: set[str]) -> dict[str, bool]:
    folded = {f.casefold() for f in families}
    return {
        face: any(alias.casefold() in folded for alias in aliases)
        for face, aliases in FACE_ALIASES.items()
    }


def preset_lines(found: dict[str, bool]) -> list[str]:
    lines = []
    for name, faces in PRESET_FACES.items():
        missing = [face for face in faces if not found[face]]
        state = f"{OK} 齐全" if not missing else f"{MISSING} 缺少 {'、'.join(missing)}"
        lines.append(f"  方案 {name}（{PRESET_NOTES[name]}）：{state}")
    fits = [n for n, faces in PRESET_FACES.items() if all(found[f] for f in faces)]
    if fits:
        lines.append(f"  适合本机的字体方案：{'、'.join(fits)}（year.yaml 中 style: fonts:）")
    else:
        lines.append(
            "  本机没有齐全的字体方案：文档在 Word/WPS 中会用替代字体显示；用本机 LibreOffice "
            "生成的 PDF 同样会替换字体。打开和打印文档的电脑有这些字体即可。"
        )
    return lines


def free_disk(out: Path) -> str:
    folder = out.resolve()
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return f"输出文件夹 {out}：无法读取剩余空间（{exc.strerror or exc}）"
    return f"输出文件夹 {out}：所在磁盘剩余 {free / 2**30:.1f} GB（一次完整生成约需 10 MB）"


def tools() -> dict[str, Tool]:
    soffice = find_soffice()
    version = (soffice_version(soffice) or "版本未知") if soffice else ""
    return {
        "soffice": Tool("LibreOffice", soffice, version),
        "pdftoppm": Tool("pdftoppm（poppler）", find_program("pdftoppm")),
        "pdftotext": Tool("pdftotext（poppler）", find_program("pdftotext")),
        "chromium": Tool("Chromium / Chrome", find_chromium()),
    }


def needs_lines(python_ok: bool, font: str | None, found: dict[str, Tool]) -> list[str]:
    def state(missing: list[str]) -> str:
        return f"{OK} 可用" if not missing else f"{MISSING} 缺少 {'、'.join(missing)}"

    core = [] if python_ok else ["Python 3.11+"]
    build = core + ([] if font else ["中文字体（图表）"])
    pdf = build + ([] if found["soffice"].path else ["LibreOffice"])
    tests = pdf + [
        found[k].label for k in ("pdftoppm", "pdftotext", "chromium") if not found[k].path
    ]
    return [
        f"  check（检查数据）：{state(core)}",
        f"  build（生成文档）：{state(build)}",
        f"  build --pdf、preview 的“PDF 页面视图”：{state(pdf)}",
        f"  preview（浏览器预览）：{state(build)}（用本机任一浏览器打开）",
        f"  测试（python -m pytest）：{state(tests)}",
    ]


def report(out: Path) -> list[str]:
    """Every line doctor prints."""
    py_line, python_ok = python_line()
    font = chart_font()
    faces = faces_found(system_families())
    found = tools()
    lines = ["部门决算公开生成器 · 本机环境检查", py_line]
    lines.append(f"系统：{platform.system()} {platform.release()}（{platform.machine()}）")
    font_line = f"{OK} {font}" if font else f"{MISSING} 未找到（{_font_hint()}）"
    lines.append(f"图表字体：{font_line}")
    lines.append("公文字体（文档指定的字体，由 Word/WPS 显示）：")
    lines += [f"  {face}：{OK if has else MISSING}" for face, has in faces.items()]
    lines += preset_lines(faces)
    lines += [tool.line() for tool in found.values()]
    lines.append(free_disk(out))
    lines.append("各命令所需：")
    lines += needs_lines(python_ok, font, found)
    return lines


def _font_hint() -> str:
    from generator.machine.fonts_probe import install_hint

    return install_hint()


def run_doctor(out: Path | None = None) -> int:
    for line in report(out or Path("output")):
        print(line)
    return 0
