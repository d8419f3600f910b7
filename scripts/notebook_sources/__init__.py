"""The teaching notebooks as plain Python: one module per notebook (``nbNN.py``); see build_notebooks.py."""

from __future__ import annotations

import textwrap

import nbformat

__all__ = ["md", "code"]


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell (dedented and stripped, so sources can use indented triple-quoted strings)."""
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    """A code cell, stripped: no outputs and no execution count."""
    return nbformat.v4.new_code_cell(textwrap.dedent(text).strip("\n"))
