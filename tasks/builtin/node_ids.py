"""Pytest node ids of the test functions a file defines."""
import ast


def defined_test_names(text: str) -> list:
    tree = ast.parse(text)
    return [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
    ]


def node_ids(path: str, text: str) -> list:
    return [f"{path}::{name}" for name in defined_test_names(text)]


def is_test_path(path: str) -> bool:
    return path.startswith("tests/")
