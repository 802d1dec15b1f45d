from model import Bug, Domain, source

VERSION = source('''
    """Parse and compare dotted release numbers such as "1.10.2" or "v2.0"."""


    class InvalidVersion(ValueError):
        pass


    def parse(text):
        """Version tuple: "1.2.3" -> (1, 2, 3); missing parts are 0, so "1.2" equals "1.2.0"."""
        parts = text.strip().lstrip("v").split(".")
        if not 1 <= len(parts) <= 3:
            raise InvalidVersion(f"not a version: {text!r}")
        try:
            numbers = [int(part) for part in parts]
        except ValueError:
            raise InvalidVersion(f"not a version: {text!r}") from None
        while len(numbers) < 3:
            numbers.append(0)
        return tuple(numbers)


    def compare(left, right):
        """-1, 0 or 1 as `left` is older than, equal to or newer than `right`."""
        a, b = parse(left), parse(right)
        return (a > b) - (a < b)


    def sort_versions(versions, newest_first=False):
        """Versions in release order (oldest first unless `newest_first`)."""
        return sorted(versions, key=parse, reverse=newest_first)


    def latest(versions):
        return max(versions, key=parse)
''')

TESTS = source('''
    import pytest

    from semverlite.version import InvalidVersion, compare, latest, parse, sort_versions


    def test_parse_fills_missing_parts():
        assert parse("v1.2") == (1, 2, 0)


    def test_parse_rejects_four_parts():
        with pytest.raises(InvalidVersion):
            parse("1.2.3.4")


    def test_compare():
        assert compare("1.2.0", "1.2") == 0
        assert compare("1.10.0", "1.9.9") == 1


    def test_latest():
        assert latest(["0.9", "1.0.1", "1.0"]) == "1.0.1"


    def test_sort_single_digit_versions():
        assert sort_versions(["1.2", "0.1", "1.0"]) == ["0.1", "1.0", "1.2"]
''')

DOMAIN = Domain(
    name="versions",
    summary="semverlite: parse, compare and sort dotted version numbers.",
    files={
        "semverlite/__init__.py": "",
        "semverlite/version.py": VERSION,
        "tests/test_version.py": TESTS,
    },
    bugs=(
        Bug(
            family="wrong_sort_order",
            path="semverlite/version.py",
            fixed="return sorted(versions, key=parse, reverse=newest_first)",
            buggy="return sorted(versions, reverse=newest_first)",
            test_path="tests/test_version.py",
            tests=source('''
                def test_sort_versions_numerically():
                    assert sort_versions(["1.10.0", "1.9.0", "1.2.0"]) == ["1.2.0", "1.9.0", "1.10.0"]


                def test_sort_versions_newest_first():
                    assert sort_versions(["2.0", "10.0", "9.1"], newest_first=True) == ["10.0", "9.1", "2.0"]
            '''),
            statement=source('''
                The changelog page lists 1.10 before 1.9

                Our changelog is built with `sort_versions(tags, newest_first=True)` and
                now that we've released 1.10.0 it shows up below 1.9.0:

                    >>> sort_versions(["1.10.0", "1.9.0", "1.2.0"])
                    ['1.10.0', '1.2.0', '1.9.0']

                `compare()` and `latest()` agree that 1.10.0 is the newest, so only the
                sorting seems to be affected.
            '''),
        ),
        Bug(
            family="exception_handling",
            path="semverlite/version.py",
            fixed="    except ValueError:\n",
            buggy="    except TypeError:\n",
            test_path="tests/test_version.py",
            tests=source('''
                def test_parse_rejects_words():
                    with pytest.raises(InvalidVersion):
                        parse("1.2.beta")


                def test_parse_rejects_empty_string():
                    with pytest.raises(InvalidVersion):
                        parse("")
            '''),
            statement=source('''
                parse() raises plain ValueError for tags like "1.2.beta"

                We skip tags that aren't versions with

                ```python
                try:
                    v = parse(tag)
                except InvalidVersion:
                    continue
                ```

                but a tag named `1.2.beta` blows up the whole job:

                ```
                Traceback (most recent call last):
                  File "release.py", line 31, in collect
                    v = parse(tag)
                  File "semverlite/version.py", line <<line:semverlite/version.py:numbers = [int(part) for part in parts]>>, in parse
                    numbers = [int(part) for part in parts]
                ValueError: invalid literal for int() with base 10: 'beta'
                ```

                I'd expect InvalidVersion for anything that isn't a version.
            '''),
        ),
    ),
)
