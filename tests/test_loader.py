"""generator.read.loader: YAML read as plain text values with line numbers, refused if unsafe."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.read.dataset import read_dataset
from generator.read.loader import LoadedFile, display_name, load_file, parse_yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "2023"


def parse(text: str) -> LoadedFile:
    loaded, findings = parse_yaml(text, "x.yaml")
    assert not findings, [f.format() for f in findings]
    assert loaded is not None
    return loaded


def problems(text: str) -> list:
    _, findings = parse_yaml(text, "x.yaml")
    assert findings, "expected a finding"
    assert all(f.is_error and f.file == "x.yaml" for f in findings)
    return findings


# --- duplicate keys --------------------------------------------------------------------------


def test_duplicate_key_names_both_lines() -> None:
    [finding] = problems("a: 1\nb: 2\na: 3\n")
    assert finding.line == 3
    assert finding.field == "a"
    assert finding.message == "字段“a”重复（第 1 行已有）"


def test_duplicate_key_in_a_nested_mapping() -> None:
    [finding] = problems("x:\n  y: 1\n  z: 2\n\n  y: 3\n")
    assert (finding.line, finding.field) == (5, "x.y")
    assert "第 2 行已有" in finding.message


def test_duplicate_key_in_a_list_item_and_a_flow_mapping() -> None:
    [finding] = problems("items:\n  - {name: a, name: b}\n")
    assert (finding.line, finding.field) == (2, "items[1].name")
    assert "第 2 行已有" in finding.message


def test_same_key_in_different_mappings_is_fine() -> None:
    assert parse("a:\n  x: 1\nb:\n  x: 2\n").data == {"a": {"x": "1"}, "b": {"x": "2"}}


# --- every scalar stays text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        "no",
        "yes",
        "No",
        "YES",
        "on",
        "off",
        "true",
        "False",
        "y",
        "n",
        "1.10",
        "0x10",
        "0o17",
        "012",
        "1e3",
        "1_000",
        ".inf",
        "-.inf",
        ".nan",
        "2023-01-01",
        "12:30",
        "12,5",
        "+5",
        "0.10",
    ],
)
def test_scalars_stay_text(literal: str) -> None:
    loaded = parse(f"value: {literal}\nlist:\n  - {literal}\n")
    assert loaded.data == {"value": literal, "list": [literal]}


def test_quoted_and_block_scalars_stay_as_written() -> None:
    text = "a: '1.10'\nb: \"no\"\nc: |\n  line 1\n  line 2\nd: >-\n  folded\n  text\n"
    assert parse(text).data == {"a": "1.10", "b": "no", "c": "line 1\nline 2\n", "d": "folded text"}


def test_keys_stay_text() -> None:
    assert parse("1: a\nno: b\n1.10: c\n").data == {"1": "a", "no": "b", "1.10": "c"}


# --- nulls -----------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["", "~", "null", "Null", "NULL"])
def test_plain_nulls_become_none(literal: str) -> None:
    assert parse(f"a: {literal}\nb: [x, {literal or '~'}]\n").data == {"a": None, "b": ["x", None]}


def test_empty_list_item_is_none() -> None:
    assert parse("a:\n  -\n  - x\n").data == {"a": [None, "x"]}


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("''", ""),
        ('""', ""),
        ("'null'", "null"),
        ('"~"', "~"),
        ("'NULL'", "NULL"),
        ("nULL", "nULL"),
        ("none", "none"),
        ("None", "None"),
    ],
)
def test_quoted_or_other_words_are_not_null(literal: str, value: str) -> None:
    assert parse(f"a: {literal}\n").data == {"a": value}


# --- aliases, merge keys, tags ---------------------------------------------------------------


def test_aliases_are_allowed() -> None:
    loaded = parse("a: &amount 35\nb: *amount\nc: &m {k: 1}\nd: *m\n")
    assert loaded.data == {"a": "35", "b": "35", "c": {"k": "1"}, "d": {"k": "1"}}
    assert loaded.line_of(("b",)) == 2
    assert loaded.line_of(("d",)) == 4


def test_undefined_alias_is_an_error() -> None:
    [finding] = problems("a: *nowhere\n")
    assert "YAML 格式错误" in finding.message
    assert "未定义的锚点" in finding.message


def test_merge_key_is_rejected() -> None:
    [finding] = problems("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n")
    assert (finding.line, finding.field) == (3, "item")
    assert "不支持合并键 <<" in finding.message


def test_merge_key_is_rejected_in_a_flow_mapping() -> None:
    [finding] = problems("base: &b {x: 1}\nitem: {<<: *b, y: 2}\n")
    assert (finding.line, finding.field) == (2, "item")
    assert "合并键" in finding.message


@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["echo pwned"]',
        "!!python/name:os.system",
        "!!python/object/new:builtins.dict []",
        "!!binary aGk=",
        "!!set {a: null}",
        "!!omap [{a: 1}]",
        "!!pairs [{a: 1}]",
        "!custom text",
        "!<tag:example.com,2024:thing> text",
    ],
)
def test_tags_are_rejected(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loaded, findings = parse_yaml(f"a: 1\nb: {value}\n", "x.yaml")
    assert [(f.line, f.field) for f in findings] == [(2, "b")]
    assert "不允许使用 YAML 标签" in findings[0].message
    assert loaded is not None and loaded.data["b"] is None
    assert not list(tmp_path.iterdir())  # nothing was run


def test_tag_on_the_whole_document_is_rejected() -> None:
    [finding] = problems('!!python/object/apply:os.system ["echo pwned"]\n')
    assert (finding.line, finding.field) == (1, "")
    assert "不允许使用 YAML 标签" in finding.message


def test_standard_tags_are_read_as_text() -> None:
    assert parse("a: !!str 5\nb: !!int 7\nc: !!float 1.10\n").data == {
        "a": "5",
        "b": "7",
        "c": "1.10",
    }


def test_non_text_key_is_rejected() -> None:
    [finding] = problems("? [a, b]\n: 1\n")
    assert "键必须是文字" in finding.message


# --- syntax errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 2, "方括号列表没有闭合"),
        ("a: 1\nb: {x: 1\n\nc: 3\n", 2, "花括号映射没有闭合"),
        ("a:\n  b: 1\n\tc: 2\n", 3, "不能用制表符缩进"),
        ("a: 1\nb: c: 2\n", 2, "此处不能出现“键: 值”"),
        ("a: 1\n  b: 2\n", 2, "此处不能出现“键: 值”"),
        ("a:\n  - 1\n - 2\n", 3, "列表缩进不一致"),
    ],
    ids=["bracket", "brace", "tab", "colon-in-text", "indented-key", "list-indent"],
)
def test_syntax_error_is_located_in_chinese(text: str, line: int, fragment: str) -> None:
    loaded, findings = parse_yaml(text, "x.yaml")
    assert loaded is None
    [finding] = findings
    assert (finding.line, finding.field) == (line, "")
    assert finding.message.startswith("YAML 格式错误：")
    assert fragment in finding.message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param("a:\n  b: 1\n c: 2\n", 3, "缩进", id="under-indented-key"),
        pytest.param("a: 1\n---\nb: 2\n", 2, "文件", id="two-documents"),
        pytest.param("a: 1\nb 2\nc: 3\n", 2, "缺少冒号", id="missing-colon"),
        pytest.param('a: 1\nb: "text\nc: 3\n', 2, "引号没有闭合", id="unclosed-quote"),
        pytest.param("a: 1\nb: x\x0by\n", 2, "控制字符", id="control-character"),
    ],
)
def test_more_syntax_errors_are_located_in_chinese(text: str, line: int, fragment: str) -> None:
    """Errors a user meets when editing by hand (the \\x0b is Word's manual line break)."""
    loaded, findings = parse_yaml(text, "x.yaml")
    assert loaded is None
    [finding] = findings
    assert finding.line == line, finding.format()
    assert fragment in finding.message, finding.format()
    assert not any("a" <= ch <= "z" for ch in finding.message.replace("YAML", "")), finding.format()


# --- line numbers ----------------------------------------------------------------------------


def test_line_numbers_of_nested_values() -> None:
    text = (
        "# comment\n\nfunds:\n  general_budget:\n    initial: 0\n\n    executed: 35\n"
        "indicators:\n  - name: a\n    target: ≥5名\n  - {name: b, target: 高}\n"
    )
    loaded = parse(text)
    assert loaded.line_of(()) == 3
    assert loaded.line_of(("funds",)) == 3
    assert loaded.line_of(("funds", "general_budget", "executed")) == 7
    assert loaded.line_of(("indicators", 0, "target")) == 10
    assert loaded.line_of(("indicators", 1, "target")) == 11
    # a path that is absent falls back to its nearest ancestor
    assert loaded.line_of(("funds", "general_budget", "adjustment")) == 4
    assert loaded.line_of(("nowhere", "at", "all")) == 3


def test_line_numbers_with_windows_line_ends() -> None:
    loaded = parse("a: 1\r\nb:\r\n  c: 2\r\n")
    assert loaded.data == {"a": "1", "b": {"c": "2"}}
    assert loaded.line_of(("b", "c")) == 3


# --- files -----------------------------------------------------------------------------------


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "year.yaml"
    path.write_bytes("unit: 万元\n".encode("gbk"))
    loaded, [finding] = load_file(path, tmp_path)
    assert loaded is None
    assert (finding.line, finding.field) == (1, "")
    assert "文件不是 UTF-8 编码" in finding.message


def test_utf8_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "year.yaml"
    path.write_bytes("\ufeffunit: 万元\n".encode())
    loaded, findings = load_file(path, tmp_path)
    assert not findings
    assert loaded is not None and loaded.data == {"unit": "万元"}


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(content, encoding="utf-8")
    loaded, findings = load_file(path, tmp_path)
    assert not findings
    assert loaded is not None
    assert loaded.data == {}
    assert loaded.line_of(("anything",)) == 1


@pytest.mark.parametrize("content", ["---\n", "~\n", "null\n"])
def test_document_that_is_only_null(content: str) -> None:
    assert parse(content).data is None


def test_blank_optional_amount_reads_as_zero(tmp_path: Path) -> None:
    """`other:` left blank is absent, so the schema's default 0 applies."""
    root = tmp_path / "2023"
    shutil.copytree(DATA, root)
    finance = root / "finance.yaml"
    text = finance.read_text(encoding="utf-8")
    line = "  other: 0                      # 八、其他收入\n"
    assert text.count(line) == 1
    finance.write_text(text.replace(line, "  other:\n"), encoding="utf-8")
    dataset, findings = read_dataset(root)
    assert not [f.format() for f in findings if f.is_error]
    assert dataset["finance.yaml"]["income"]["other"] == 0


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    loaded, [finding] = load_file(tmp_path / "absent.yaml", tmp_path)
    assert loaded is None
    assert "无法读取文件" in finding.message


def test_file_names_print_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "2023" / "finance.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert display_name(path) == "data/2023/finance.yaml"
    _, [finding] = load_file(path, path.parent)
    assert finding.file == "data/2023/finance.yaml"
    monkeypatch.chdir(path.parent)
    other = tmp_path.parent / "elsewhere.yaml"
    assert display_name(other) == str(other.resolve())


def test_every_schema_is_a_valid_cerberus_schema() -> None:
    """The build's validator trusts generator.read.schema and skips cerberus's own check of a
    schema on every use; here cerberus checks each schema, and every sub-schema the data of
    both datasets reaches, as it would by default."""
    from cerberus import Validator
    from cerberus.schema import SchemaError

    from generator.read import schema
    from generator.read.loader import load_file
    from generator.read.validate import DataValidator

    class Checking(DataValidator):
        schema = Validator.schema  # cerberus's own: validates every schema it is given

    root_dir = Path(__file__).resolve().parent.parent
    for name, rules in [*schema.FILES.items(), ("projects/", schema.PROJECT)]:
        try:
            checking = Checking(rules)
        except SchemaError as exc:  # pragma: no cover - the failure this test is for
            raise AssertionError(f"{name}: {exc}") from exc
        for root in (root_dir / "data" / "2023", root_dir / "data/examples/water-centre-2024"):
            paths = (
                sorted((root / "projects").glob("*.yaml")) if name == "projects/" else [root / name]
            )
            for path in [p for p in paths if p.exists()]:
                loaded, _ = load_file(path, root)
                assert checking.validate(loaded.data), (path, checking.errors)
    invalid = {"amount": {"type": "decimal", "coerce": "decimal", "minn": 0}}
    with pytest.raises(SchemaError):
        Checking(invalid)
    DataValidator(invalid)  # trusted: the check above is what guards the schemas
