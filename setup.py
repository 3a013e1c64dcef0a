"""Packaging glue that pyproject.toml cannot say: the repository's `templates/` (their one
source) ship inside the wheel as `generator/templates/`, where an installed generator finds its
default templates (their package data is declared in pyproject.toml, with the rest)."""

from setuptools import find_namespace_packages, setup

packages = find_namespace_packages(include=["generator", "generator.*"], exclude=["*__pycache__"])
setup(
    packages=[*packages, "generator.templates"],
    package_dir={"generator.templates": "templates"},
)
