"""Files every task repository carries besides its package and tests."""

PYTEST_INI = "[pytest]\npythonpath = .\n"

GITIGNORE = "__pycache__/\n*.pyc\n.pytest_cache/\n"


def readme(domain) -> str:
    return (
        f"# {domain.name}\n"
        "\n"
        f"{domain.summary}\n"
        "\n"
        "Run the tests from the repository root:\n"
        "\n"
        "    python -m pytest\n"
    )


def scaffold_files(domain) -> dict:
    return {
        ".gitignore": GITIGNORE,
        "README.md": readme(domain),
        "pytest.ini": PYTEST_INI,
    }
