"""Which CJK font matplotlib can use for the charts, chosen by family name.

Never by a file path of this project: the fonts are the machine's (Windows: Microsoft YaHei,
SimHei, 仿宋/楷体; macOS: PingFang; Linux: Noto Sans CJK, WenQuanYi). Where none is found the
build stops before drawing and says what to install, instead of drawing boxes.
"""

from __future__ import annotations

import sys

from generator.errors import BuildError

# In order of preference. Noto must be asked for by family name: the .ttc file alone resolves
# to its first face, the JP variant.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "STHeiti",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "FangSong",
    "KaiTi",
    "SimSun",
    "AR PL UMing CN",
)


class FontError(BuildError):
    """No CJK font for the charts."""


def installed_families() -> set[str]:
    """Every font family matplotlib's font manager knows on this machine."""
    from matplotlib import font_manager

    return {entry.name for entry in font_manager.fontManager.ttflist}


def find_cjk_font(candidates: tuple[str, ...] = CJK_FAMILIES) -> str | None:
    """The first of `candidates` matplotlib can use, or None."""
    installed = installed_families()
    return next((name for name in candidates if name in installed), None)


def install_hint() -> str:
    """What to install on this kind of machine, in Chinese."""
    if sys.platform == "win32":
        return (
            "Windows 自带“微软雅黑”（Microsoft YaHei）和“黑体”（SimHei）：请确认它们未被删除，"
            "或安装思源黑体（Source Han Sans SC）/ Noto Sans CJK SC"
        )
    if sys.platform == "darwin":
        return "macOS 自带“苹方”（PingFang SC）；也可安装思源黑体（Source Han Sans SC）"
    return (
        "请安装 Noto Sans CJK SC（Debian/Ubuntu：apt-get install fonts-noto-cjk；"
        "统信UOS/麒麟：软件商店中的“思源黑体”或 fonts-noto-cjk）或文泉驿微米黑"
        "（fonts-wqy-microhei）；无 root 权限时，把字体文件复制到 ~/.local/share/fonts/"
    )


def require_cjk_font() -> str:
    """The chart font, or FontError naming what to install."""
    found = find_cjk_font()
    if found is not None:
        return found
    tried = "、".join(CJK_FAMILIES[:8])
    raise FontError(
        f"未找到可用于图表的中文字体（已查找：{tried} 等）。{install_hint()}。"
        "安装后如仍未找到，请删除 matplotlib 的字体缓存（fontlist-*.json，位于 matplotlib "
        "配置/缓存文件夹）后重试。"
    )
