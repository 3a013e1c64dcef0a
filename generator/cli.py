"""Command line: check, build, preview. Thin: the work is in the pipeline modules."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from generator.errors import DataError, GeneratorError, UsageError
from generator.findings import Finding
from generator.years import commands as extra_commands

ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的命令 %(value)r（可用：%(choices)s）"
    ),
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
}
argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # argparse's own words, in Chinese


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage problems exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}", file=sys.stderr)
        sys.exit(2)


DATA_HELP = "年度数据文件夹，如 data/2023"


def _port(text: str) -> int:
    """A TCP port, 1–65535 (argparse reports the message as a usage error, exit 2)."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 之间的整数，实际为 {text}")
    return port


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m generator", description="部门决算公开与绩效自评文档生成器")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("check", help="检查数据：校验、勾稽关系和文字中的数字")
    c.add_argument("data_dir", type=Path, help=DATA_HELP)
    c.add_argument("--strict", action="store_true", help="警告也视为错误")
    c.add_argument(
        "--templates", type=Path, help="自己修改过的模板所在文件夹（同时检查模板中的变量）"
    )
    b = sub.add_parser("build", help="生成全部文档到输出文件夹（可一次生成多个部门）")
    b.add_argument(
        "data_dir", type=Path, nargs="+",
        help=f"{DATA_HELP}；可给多个，或一个各部门数据文件夹所在的文件夹（批量生成到 -o 下）",
    )  # fmt: skip
    b.add_argument(
        "-o", "--out", type=Path,
        help="输出文件夹（默认 output/<年度>；批量时必须指定，各部门写到 <输出>/<部门>/<年度>）",
    )  # fmt: skip
    b.add_argument("--project", help="只生成该项目的自评表和自评报告")
    b.add_argument("--strict", action="store_true", help="有警告时不生成")
    b.add_argument(
        "--pdf", action="store_true", help="同时通过 LibreOffice 为每份文档生成 PDF（含目录页码）"
    )
    b.add_argument(
        "--templates", type=Path, help="自己修改过的模板所在文件夹（其中没有的模板用默认模板）"
    )
    v = sub.add_parser("preview", help="起草时的实时预览（浏览器）")
    v.add_argument("data_dir", type=Path, help=DATA_HELP)
    v.add_argument("--port", type=_port, default=8023, help="端口（默认 8023，仅监听 127.0.0.1）")
    v.add_argument("--pdf", action="store_true", help="同时通过 LibreOffice 生成 PDF")
    d = sub.add_parser("doctor", help="检查本机环境：Python、字体、LibreOffice 等")
    d.add_argument("-o", "--out", type=Path, help="输出文件夹（用于查看剩余磁盘空间）")
    extra_commands.add_parsers(sub)  # import, new-year, diff
    return p


def _print_findings(findings: list[Finding]) -> None:
    for f in sorted(findings, key=lambda f: (not f.is_error, f.file, f.line)):
        print(f.format())
    errors = sum(f.is_error for f in findings)
    print(f"共 {errors} 个错误，{len(findings) - errors} 个警告。")
    pending = sum(f.code == "pending" for f in findings)
    if pending:
        print(f"还有 {pending} 项待填。")


def cmd_check(args: argparse.Namespace) -> int:
    from generator.audit.report import audit_report
    from generator.audit.templates import check_templates
    from generator.model.report import derive_report
    from generator.read.dataset import read_dataset
    from generator.render.templatedirs import template_dirs

    dataset, findings = read_dataset(args.data_dir)
    if not any(f.is_error for f in findings):
        report = derive_report(dataset)
        findings += audit_report(dataset, report)
        findings += check_templates(report, template_dirs(args.templates, args.data_dir))
    _print_findings(findings)
    failed = any(f.is_error for f in findings) or (args.strict and findings)
    return 1 if failed else 0


def _default_out(data_dir: Path) -> Path:
    return Path("output") / data_dir.resolve().name


def _pdf_step(wanted: bool, build: object) -> dict[str, bool]:
    """`{"pdf": True}` when PDFs are wanted and the build makes them while staging; LibreOffice
    is looked for first, so that a missing one stops the build before it starts."""
    if not wanted:
        return {}
    import inspect

    from generator.render.pdf import find_program

    find_program()
    return {"pdf": True} if "pdf" in inspect.signature(build).parameters else {}


def cmd_build(args: argparse.Namespace) -> int:
    from generator.write import headstart

    folders = args.data_dir if isinstance(args.data_dir, list) else [args.data_dir]
    if args.project is None:
        headstart.begin(folders)  # the chart worker imports matplotlib while we go on
    try:
        return _build(args, folders)
    finally:
        headstart.discard()


def _build(args: argparse.Namespace, folders: list[Path]) -> int:
    from generator import batch
    from generator.build import build

    if batch.is_batch(folders):  # many departments in one run
        return batch.cli(args, folders, _pdf_step(args.pdf, build))
    args.data_dir = folders[0]
    out = args.out or _default_out(args.data_dir)
    tty = sys.stderr.isatty()
    start = time.perf_counter()

    def progress(message: str) -> None:
        if tty:
            print(f"… {message}", file=sys.stderr)

    pdf = _pdf_step(args.pdf, build)
    result = build(
        args.data_dir,
        out,
        args.project,
        progress,
        strict=args.strict,
        templates=args.templates,
        **pdf,
    )
    if args.pdf and not pdf:  # the build has no PDF step of its own: convert what it wrote
        from generator.render.pdf import add_pdfs_to_output

        progress("通过 LibreOffice 生成 PDF……")
        add_pdfs_to_output(out)
    warnings = [f for f in result.findings if not f.is_error]
    for f in warnings:
        print(f.format())
    seconds = time.perf_counter() - start
    print(
        f"已生成 {result.files} 个文件到 {out}（{seconds:.1f} 秒，{len(warnings)} 个警告）。"
        f"清单见 {out / 'manifest.json'}"
    )
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from generator.preview import serve

    return serve(args.data_dir, args.port, args.pdf)


def cmd_doctor(args: argparse.Namespace) -> int:
    from generator.machine.doctor import run_doctor

    return run_doctor(args.out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {
        "check": cmd_check,
        "build": cmd_build,
        "preview": cmd_preview,
        "doctor": cmd_doctor,
        **extra_commands.HANDLERS,
    }[args.command]
    try:
        return handler(args)
    except DataError as exc:
        _print_findings(exc.findings)
        print("数据有错误，未生成任何文件；之前的输出保持不变。", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"用法错误：{exc}", file=sys.stderr)
        return 2
    except GeneratorError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断；之前的输出保持不变。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        hint = "之前的输出保持不变。设置环境变量 GENERATOR_DEBUG=1 可查看详细信息。"
        print(hint, file=sys.stderr)
        return 3
