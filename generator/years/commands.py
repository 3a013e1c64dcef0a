"""The commands that move figures between years and files: import, new-year, diff.

Registered by cli.py with `add_parsers`; the work is in generator.statements,
generator.years.newyear
and generator.years.diff.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DATA_HELP = "年度数据文件夹，如 data/2023"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("import", help="从决算报表（Excel）导入财务数据到 finance.yaml")
    i.add_argument("statements", type=Path, help="决算系统导出的报表（.xlsx 或 .xls）")
    i.add_argument("data_dir", type=Path, help=DATA_HELP)
    n = sub.add_parser("new-year", help="以本年数据开始下一年度：本年数移为上年数，本年数待填")
    n.add_argument("data_dir", type=Path, help=DATA_HELP)
    n.add_argument("new_dir", type=Path, help="新年度的数据文件夹（必须不存在或为空）")
    d = sub.add_parser("diff", help="比较两份数据（或两次生成的文档）印出的数字和文字")
    d.add_argument("old", type=Path, help="原来的数据文件夹或生成文件夹")
    d.add_argument("new", type=Path, help="新的数据文件夹或生成文件夹")
    d.add_argument("-o", "--out", type=Path, help="修订标记版 .docx 的路径（默认写在当前文件夹）")


def cmd_import(args: argparse.Namespace) -> int:
    from generator.statements.importer import run

    return run(args.statements, args.data_dir)


def cmd_new_year(args: argparse.Namespace) -> int:
    from generator.years.newyear import run

    return run(args.data_dir, args.new_dir)


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.years.diff import run

    return run(args.old, args.new, args.out)


HANDLERS = {"import": cmd_import, "new-year": cmd_new_year, "diff": cmd_diff}
