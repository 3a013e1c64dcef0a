"""Load YAML safely into plain data, remembering the line of every value.

Every scalar stays text (no implicit booleans or floats); the schema converts it. Duplicate keys,
tags and aliases that could construct objects are errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from generator.findings import Finding, error, format_path

Path_ = tuple[str | int, ...]
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
NULLS = {"", "~", "null", "Null", "NULL"}
PLAIN_TAGS = tuple(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


@dataclass
class LoadedFile:
    """One YAML file as plain data with the line of each value (1-based)."""

    name: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    pending: frozenset[Path_] = frozenset()  # values written as ~ or null: 待填, not 0

    def line_of(self, path: Path_) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


MAX_VALUES = 200_000


class _TooLarge(Exception):
    def __init__(self, line: int):
        self.line = line


class _Converter:
    def __init__(self, name: str):
        self.name = name
        self.lines: dict[Path_, int] = {}
        self.findings: list[Finding] = []
        self.pending: set[Path_] = set()
        self.budget = MAX_VALUES  # aliases can multiply a small file (a "billion laughs")

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge(node.start_mark.line + 1)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in PLAIN_TAGS and node.tag not in ("!", "?"):
            self._fail(node, path, f"不允许使用 YAML 标签 {node.tag}")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        if not node.style and node.value in NULLS - {""}:
            self.pending.add(path)  # written as ~ / null: left to be filled (new-year)
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> str | None:
        if not node.style and node.value in NULLS:  # plain (libyaml says '', PyYAML None)
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, path, "键必须是文字")
                continue
            key = key_node.value
            if key == "<<":
                self._fail(key_node, path, "不支持合并键 <<，请直接写出各字段")
                continue
            child = (*path, key)
            if key in out:
                first = self.lines.get(child, 0)
                self._fail(key_node, child, f"字段“{key}”重复（第 {first} 行已有）")
                continue
            self.lines[child] = key_node.start_mark.line + 1
            out[key] = self.convert(value_node, child)
        return out

    def _fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        line = node.start_mark.line + 1
        self.findings.append(error(self.name, line, format_path(path), message, "yaml"))


MAX_DEPTH = 40  # nesting of mappings and lists; the data needs about 6


def nesting_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of the text (by indentation and by flow brackets) and its line,
    measured without parsing: a parser recursing 100000 levels deep would crash first."""
    deepest, where, depth = 0, 1, 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        level = (len(line) - len(stripped)) // 2 + stripped.count("- ", 0, 2)
        depth, inner = _bracket_depth(stripped, depth)
        if max(level, inner) > deepest:
            deepest, where = max(level, inner), number
    return deepest, where


def _bracket_depth(line: str, depth: int) -> tuple[int, int]:
    """Flow brackets open after this line, and the most open within it; quoted texts and
    comments do not count."""
    if not any(bracket in line for bracket in "[]{}"):  # the usual line: nothing to count
        return depth, depth
    quote, most = "", depth
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            break
        elif char in "[{":
            depth += 1
            most = max(most, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return depth, most


def parse_yaml(text: str, name: str) -> tuple[LoadedFile | None, list[Finding]]:
    """Parse one YAML document; return it with its line map, or the findings that stop it."""
    depth, line = nesting_depth(text)
    if depth > MAX_DEPTH:
        msg = f"YAML 嵌套层数过深（{depth} 层，最多 {MAX_DEPTH} 层），请检查缩进和括号"
        return None, [error(name, line, "", msg, "yaml")]
    try:
        node = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return None, [_syntax_error(text, name)]
    if node is None:
        return LoadedFile(name, {}, {(): 1}), []
    conv = _Converter(name)
    try:
        data = conv.convert(node, ())
    except _TooLarge as exc:
        msg = f"文件展开后超过 {MAX_VALUES} 个值（锚点/别名嵌套过多？）"
        return None, [error(name, exc.line, "", msg, "yaml")]
    return LoadedFile(name, data, conv.lines, frozenset(conv.pending)), conv.findings


def _syntax_error(text: str, name: str) -> Finding:
    """Describe a syntax error with the pure-Python parser, whose marks and words are clearer."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        msg = f"YAML 格式错误：含有不可见的控制字符 {char}（常见于从文档中粘贴的文字），请删除"
        return error(name, line, "", msg, "yaml")
    except yaml.MarkedYAMLError as exc:
        at_start = any(word in (exc.context or "") for word in START_CONTEXTS)
        use_context = at_start and exc.context_mark is not None
        mark = exc.context_mark if use_context else (exc.problem_mark or exc.context_mark)
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "无法解析"
        return error(name, line, "", f"YAML 格式错误：{_problem_zh(problem)}", "yaml")
    except yaml.YAMLError as exc:
        return error(name, 1, "", f"YAML 格式错误：{exc}", "yaml")
    return error(name, 1, "", "YAML 格式错误", "yaml")


START_CONTEXTS = ("flow", "simple key", "quoted scalar")


def _problem_zh(problem: str) -> str:
    known = {
        "mapping values are not allowed here": "此处不能出现“键: 值”（是否缺少缩进或引号？）",
        "could not find expected ':'": "缺少冒号“:”",
        "found character '\\t' that cannot start any token": "不能用制表符缩进，请用空格",
        "expected <block end>, but found '<block sequence start>'": "列表缩进不一致",
        "found undefined alias": "引用了未定义的锚点",
        "expected ',' or ']'": "方括号列表没有闭合（缺少“]”或逗号）",
        "expected ',' or '}'": "花括号映射没有闭合（缺少“}”或逗号）",
        "found unexpected end of stream": "文件意外结束（引号没有闭合？）",
        "expected <block end>": "缩进不一致（同一层的字段应对齐）",
        "but found another document": "文件中只能有一个文档（删除多余的“---”）",
        "found character": "出现了不能作为开头的字符（请给这段文字加引号）",
        "expected a comment or a line break": "此处多了内容（请检查引号或冒号）",
    }
    for key, text in known.items():
        if problem.startswith(key) or key in problem:
            return text
    return f"无法解析（{problem}）"


def load_file(path: Path, root: Path) -> tuple[LoadedFile | None, list[Finding]]:
    """Read and parse one file; findings name it as the user would (relative to the cwd)."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [error(name, 1, "", "文件不是 UTF-8 编码，请另存为 UTF-8", "io")]
    except OSError as exc:
        return None, [error(name, 1, "", f"无法读取文件：{exc.strerror}", "io")]
    return parse_yaml(text, name)


def display_name(path: Path) -> str:
    """The path relative to the working folder where it lies below it, else absolute."""
    cwd = os.getcwd()
    try:
        return str(resolved(path, cwd).relative_to(resolved(Path(cwd), cwd)))
    except ValueError:
        return str(resolved(path, cwd))


@lru_cache(maxsize=8192)
def _resolve(path: Path, cwd: str) -> Path:
    return path.resolve()


def resolved(path: Path, cwd: str | None = None) -> Path:
    """`path.resolve()`, once per path and working folder (a thousand project files are named
    and keyed several times each; each resolve is a system call per folder on the way)."""
    return _resolve(path, os.getcwd() if cwd is None else cwd)
