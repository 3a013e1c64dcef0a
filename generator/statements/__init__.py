"""Reading the 部门决算 statements exported by the 决算报表 system (.xlsx, .xls) into finance facts.

`read_statements` finds the standard tables and reads them; `import_statements` (importer.py)
merges their facts into a data folder's finance.yaml; `generator import` is its command.
"""

from generator.statements.statements import Statements, finance_facts, read_statements

__all__ = ["Statements", "finance_facts", "read_statements"]
