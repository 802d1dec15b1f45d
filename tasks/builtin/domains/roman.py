from model import Bug, Domain, source

NUMERALS = source('''
    """Roman numerals for the numbers 1 to 3999."""

    NUMERALS = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"),
        (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
        (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )
    DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


    class RomanError(ValueError):
        pass


    def to_roman(number):
        """14 -> "XIV"; raises RomanError outside 1..3999."""
        if not 0 < number < 4000:
            raise RomanError(f"no roman numeral for {number}")
        digits = []
        for value, symbol in NUMERALS:
            count, number = divmod(number, value)
            digits.append(symbol * count)
        return "".join(digits)


    def from_roman(text):
        """Value of a numeral in any case: "XIV" or "xiv" -> 14; RomanError on bad input."""
        total = 0
        previous = 0
        for char in reversed(text.strip().upper()):
            try:
                value = DIGITS[char]
            except KeyError:
                raise RomanError(f"not a roman digit: {char!r}") from None
            if value < previous:
                total -= value
            else:
                total += value
                previous = value
        return total
''')

TESTS = source('''
    import pytest

    from romans.numerals import RomanError, from_roman, to_roman


    def test_to_roman():
        assert [to_roman(4), to_roman(14), to_roman(1994), to_roman(3999)] == ["IV", "XIV", "MCMXCIV", "MMMCMXCIX"]


    def test_too_large():
        with pytest.raises(RomanError):
            to_roman(4000)


    def test_from_roman():
        assert from_roman("MCMXCIV") == 1994
        assert from_roman(" xiv ") == 14


    def test_round_trip():
        assert all(from_roman(to_roman(n)) == n for n in range(1, 4000))
''')

DOMAIN = Domain(
    name="roman",
    summary="romans: convert between integers and Roman numerals.",
    files={
        "romans/__init__.py": "",
        "romans/numerals.py": NUMERALS,
        "tests/test_numerals.py": TESTS,
    },
    bugs=(
        Bug(
            family="exception_handling",
            path="romans/numerals.py",
            fixed="        except KeyError:\n",
            buggy="        except ValueError:\n",
            test_path="tests/test_numerals.py",
            tests=source('''
                def test_from_roman_rejects_other_letters():
                    with pytest.raises(RomanError):
                        from_roman("XIZ")


                def test_from_roman_rejects_digits():
                    with pytest.raises(RomanError, match="not a roman digit"):
                        from_roman("12")
            '''),
            statement=source('''
                KeyError instead of RomanError for invalid numerals

                Our form validation catches `RomanError` (which is what the docstring
                promises), but typing "XIZ" into the field gives a 500:

                ```
                Traceback (most recent call last):
                  File "forms.py", line 57, in clean_chapter
                    return from_roman(value)
                  File "romans/numerals.py", line <<line:romans/numerals.py:value = DIGITS[char]>>, in from_roman
                    value = DIGITS[char]
                KeyError: 'Z'
                ```
            '''),
        ),
        Bug(
            family="missing_edge_case",
            path="romans/numerals.py",
            fixed="if not 0 < number < 4000:",
            buggy="if number >= 4000:",
            test_path="tests/test_numerals.py",
            tests=source('''
                def test_zero_has_no_numeral():
                    with pytest.raises(RomanError):
                        to_roman(0)


                def test_negative_numbers_have_no_numeral():
                    with pytest.raises(RomanError):
                        to_roman(-5)
            '''),
            statement=source('''
                to_roman(0) returns an empty string

                `to_roman(0)` gives `""` and `to_roman(-5)` gives `"CMXCV"`, which is
                nonsense. There's no Roman numeral for zero or negative numbers, so I'd
                expect RomanError like for 4000.
            '''),
        ),
    ),
)
