from model import Bug, Domain, source

PARSE = source('''
    """Parse, format and split durations written like "1h30m" or "45s"."""
    import re

    UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    _PART = re.compile(r"(\\d+)([dhms])")


    class DurationError(ValueError):
        pass


    def parse_duration(text):
        """Seconds in a duration string: "1h30m" -> 5400. DurationError on bad input."""
        compact = text.replace(" ", "").lower()
        if not compact or _PART.sub("", compact):
            raise DurationError(f"invalid duration: {text!r}")
        return sum(int(number) * UNIT_SECONDS[unit] for number, unit in _PART.findall(compact))


    def parse_or_default(text, default=0):
        """Seconds in `text`, or `default` when it is not a valid duration."""
        try:
            return parse_duration(text)
        except DurationError:
            return default


    def format_duration(seconds):
        """5400 -> "1h30m"; 0 -> "0s"."""
        if seconds == 0:
            return "0s"
        parts = []
        for unit, size in UNIT_SECONDS.items():
            count, seconds = divmod(seconds, size)
            if count:
                parts.append(f"{count}{unit}")
        return "".join(parts)


    def split_evenly(seconds, parts):
        """`parts` whole-second durations that add up to `seconds`, the longer ones first."""
        base, extra = seconds // parts, seconds % parts
        return [base + 1 if index < extra else base for index in range(parts)]
''')

TESTS = source('''
    import pytest

    from durations.parse import format_duration, parse_duration, parse_or_default, split_evenly


    def test_parse_duration():
        assert parse_duration("1h30m") == 5400
        assert parse_duration("2d 5s") == 172805


    def test_parse_rejects_garbage():
        with pytest.raises(ValueError):
            parse_duration("ten minutes")


    def test_parse_or_default_with_valid_text():
        assert parse_or_default("90s", default=-1) == 90


    def test_format_duration():
        assert format_duration(5400) == "1h30m"
        assert format_duration(0) == "0s"


    def test_split_evenly_exact():
        assert split_evenly(60, 3) == [20, 20, 20]
''')

DOMAIN = Domain(
    name="durations",
    summary="durations: parse and format human-written durations such as 1h30m.",
    files={
        "durations/__init__.py": "",
        "durations/parse.py": PARSE,
        "tests/test_parse.py": TESTS,
    },
    bugs=(
        Bug(
            family="integer_division",
            path="durations/parse.py",
            fixed="base, extra = seconds // parts, seconds % parts",
            buggy="base, extra = seconds / parts, seconds % parts",
            test_path="tests/test_parse.py",
            tests=source('''
                def test_split_evenly_with_remainder():
                    assert split_evenly(10, 3) == [4, 3, 3]


                def test_split_evenly_adds_up():
                    shares = split_evenly(3601, 4)
                    assert sum(shares) == 3601
                    assert all(isinstance(share, int) for share in shares)
            '''),
            statement=source('''
                split_evenly gives fractional seconds that don't add up

                I'm splitting a 10 second budget over 3 workers:

                    >>> split_evenly(10, 3)
                    [4.333333333333333, 3.3333333333333335, 3.3333333333333335]

                The docstring says whole seconds, and these add up to 11, not 10. I expected
                `[4, 3, 3]`. When the split is exact (60 over 3) the result looks right.
            '''),
        ),
        Bug(
            family="exception_handling",
            path="durations/parse.py",
            fixed='raise DurationError(f"invalid duration: {text!r}")',
            buggy='raise ValueError(f"invalid duration: {text!r}")',
            test_path="tests/test_parse.py",
            tests=source('''
                def test_parse_or_default_with_invalid_text():
                    assert parse_or_default("soon", default=-1) == -1


                def test_invalid_duration_error_type():
                    from durations.parse import DurationError

                    with pytest.raises(DurationError):
                        parse_duration("")
            '''),
            statement=source('''
                parse_or_default() raises instead of returning the default

                The docs say parse_or_default returns the default for text that isn't a
                duration, but:

                ```
                >>> parse_or_default("soon", default=-1)
                Traceback (most recent call last):
                  File "<stdin>", line 1, in <module>
                  File ".../durations/parse.py", line <<line:durations/parse.py:return parse_duration(text)>>, in parse_or_default
                    return parse_duration(text)
                  File ".../durations/parse.py", line <<line:durations/parse.py:raise ValueError(f"invalid duration>>, in parse_duration
                    raise ValueError(f"invalid duration: {text!r}")
                ValueError: invalid duration: 'soon'
                ```
            '''),
        ),
    ),
)
