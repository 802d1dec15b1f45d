from model import Bug, Domain, source

LUHN = source('''
    """Luhn checksums, as used by payment card numbers."""


    def digits_of(number):
        """Digits of a number given as int or text; spaces and dashes are allowed."""
        text = str(number).replace(" ", "").replace("-", "")
        if not text.isdigit():
            raise ValueError(f"not a number: {number!r}")
        return [int(char) for char in text]


    def luhn_sum(digits):
        """Digit sum where every second digit, counted from the rightmost one, is doubled."""
        total = 0
        for position, digit in enumerate(reversed(digits)):
            if position % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        return total


    def is_valid(number):
        return luhn_sum(digits_of(number)) % 10 == 0


    def check_digit(partial):
        """The digit that makes `partial` followed by it a valid number."""
        return (10 - luhn_sum(digits_of(partial) + [0]) % 10) % 10
''')

ISBN = source('''
    """ISBN-10 and ISBN-13 validation."""


    def _clean(isbn):
        return isbn.replace("-", "").replace(" ", "").upper()


    def is_valid_isbn10(isbn):
        chars = _clean(isbn)
        if len(chars) != 10 or not chars[:9].isdigit() or chars[9] not in "0123456789X":
            return False
        total = sum((10 - index) * int(char) for index, char in enumerate(chars[:9]))
        total += 10 if chars[9] == "X" else int(chars[9])
        return total % 11 == 0


    def _isbn13_sum(digits):
        return sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(digits))


    def is_valid_isbn13(isbn):
        chars = _clean(isbn)
        return len(chars) == 13 and chars.isdigit() and _isbn13_sum(chars) % 10 == 0


    def isbn10_to_isbn13(isbn):
        body = "978" + _clean(isbn)[:9]
        return body + str((10 - _isbn13_sum(body) % 10) % 10)
''')

TESTS_LUHN = source('''
    import pytest

    from checkdigits.luhn import check_digit, digits_of, is_valid


    def test_digits_of_accepts_spaces_and_dashes():
        assert digits_of("12 34-5") == [1, 2, 3, 4, 5]


    def test_letters_are_rejected():
        with pytest.raises(ValueError):
            is_valid("4111-abcd")
''')

TESTS_ISBN = source('''
    from checkdigits.isbn import isbn10_to_isbn13, is_valid_isbn10, is_valid_isbn13


    def test_valid_isbn13():
        assert is_valid_isbn13("978-0-306-40615-7")


    def test_invalid_isbn13():
        assert not is_valid_isbn13("978-0-306-40615-8")


    def test_isbn10_wrong_length():
        assert not is_valid_isbn10("0-306-40615")


    def test_isbn10_to_isbn13():
        assert isbn10_to_isbn13("0-306-40615-2") == "9780306406157"
''')

DOMAIN = Domain(
    name="checksums",
    summary="checkdigits: Luhn and ISBN check-digit validation.",
    files={
        "checkdigits/__init__.py": "",
        "checkdigits/luhn.py": LUHN,
        "checkdigits/isbn.py": ISBN,
        "tests/test_luhn.py": TESTS_LUHN,
        "tests/test_isbn.py": TESTS_ISBN,
    },
    bugs=(
        Bug(
            family="off_by_one",
            path="checkdigits/luhn.py",
            fixed="for position, digit in enumerate(reversed(digits)):",
            buggy="for position, digit in enumerate(reversed(digits), start=1):",
            test_path="tests/test_luhn.py",
            tests=source('''
                def test_known_valid_numbers():
                    assert is_valid("79927398713")
                    assert is_valid("4539 1488 0343 6467")


                def test_known_invalid_number():
                    assert not is_valid("79927398712")


                def test_check_digit():
                    assert check_digit("7992739871") == 3
            '''),
            statement=source('''
                Valid card numbers fail the Luhn check

                Our checkout rejects every card. The standard test number from the Luhn
                article, 79927398713, is reported as invalid:

                    >>> is_valid("79927398713")
                    False

                and `check_digit("7992739871")` returns 4 instead of 3. Input parsing seems
                fine (`digits_of` gives the right digits).
            '''),
        ),
        Bug(
            family="arithmetic_operator",
            path="checkdigits/isbn.py",
            fixed="total = sum((10 - index) * int(char) for index, char in enumerate(chars[:9]))",
            buggy="total = sum((10 + index) * int(char) for index, char in enumerate(chars[:9]))",
            test_path="tests/test_isbn.py",
            tests=source('''
                def test_valid_isbn10():
                    assert is_valid_isbn10("0-306-40615-2")


                def test_valid_isbn10_with_x():
                    assert is_valid_isbn10("0-8044-2957-X")


                def test_invalid_isbn10():
                    assert not is_valid_isbn10("0-306-40615-4")
            '''),
            statement=source('''
                is_valid_isbn10 rejects real ISBNs

                `is_valid_isbn10("0-306-40615-2")` returns False, but that's a textbook
                valid ISBN-10 (its ISBN-13 form 978-0-306-40615-7 passes
                `is_valid_isbn13`, and `isbn10_to_isbn13` converts it correctly).
                "0-8044-2957-X" is rejected too. ISBN-13 validation is fine.
            '''),
        ),
    ),
)
