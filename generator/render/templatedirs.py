"""Where templates come from: the user's folder, the data folder, then the packaged defaults.

The defaults are the repository's `templates/`; an installed wheel carries them as
`generator/templates/` (pyproject.toml maps the one folder into the package). A department's
own edited templates override the defaults one file at a time: a folder holding only
`disclosure.docx` changes the disclosure and keeps every other default.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import UsageError

_PACKAGE = Path(__file__).resolve().parent.parent


def default_templates() -> Path:
    """The packaged templates (installed wheel), else the checkout's `templates/`."""
    packaged = _PACKAGE / "templates"
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / "templates"


TEMPLATES = default_templates()


def template_dirs(option: Path | None, data_dir: Path) -> tuple[Path, ...]:
    """The folders searched, first match wins: `--templates DIR`, `<data_dir>/templates/`,
    the defaults."""
    dirs: list[Path] = []
    if option is not None:
        if not option.is_dir():
            raise UsageError(f"模板文件夹 {option} 不存在或不是文件夹（--templates）。")
        dirs.append(option.resolve())
    local = data_dir / "templates"
    if local.is_dir():
        dirs.append(local.resolve())
    dirs.append(TEMPLATES)
    return tuple(dict.fromkeys(dirs))


def template_path(name: str, dirs: tuple[Path, ...] | None = None) -> Path:
    """The file of template `name` from the first folder that has it."""
    for folder in dirs or (TEMPLATES,):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return (dirs or (TEMPLATES,))[-1] / name  # missing: render_docx names it
