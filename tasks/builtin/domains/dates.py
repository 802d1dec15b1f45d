from model import Bug, Domain, source

DAYS = source('''
    """Calendar arithmetic on (year, month, day) numbers, without the datetime module."""

    DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


    def is_leap_year(year):
        """Gregorian rule: every fourth year, except centuries not divisible by 400."""
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


    def days_in_month(year, month):
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1..12, got {month}")
        if month == 2 and is_leap_year(year):
            return 29
        return DAYS_IN_MONTH[month - 1]


    def day_of_year(year, month, day):
        """1 for January 1st, up to 365 (366 in leap years) for December 31st."""
        return sum(days_in_month(year, m) for m in range(1, month)) + day


    def add_days(year, month, day, count):
        """The date `count` (>= 0) days after the given date, as a (year, month, day) tuple."""
        day += count
        while day > days_in_month(year, month):
            day -= days_in_month(year, month)
            month += 1
            if month == 13:
                year, month = year + 1, 1
        return year, month, day
''')

TESTS = source('''
    import pytest

    from datekit.days import add_days, day_of_year, days_in_month, is_leap_year


    def test_century_divisible_by_400_is_leap():
        assert is_leap_year(2000)


    def test_ordinary_year_is_not_leap():
        assert not is_leap_year(2023)


    def test_february_in_ordinary_year():
        assert days_in_month(2023, 2) == 28


    def test_invalid_month():
        with pytest.raises(ValueError):
            days_in_month(2023, 13)


    def test_day_of_year():
        assert day_of_year(2023, 3, 1) == 60


    def test_add_days_across_year_end():
        assert add_days(2023, 12, 30, 3) == (2024, 1, 2)
''')

DOMAIN = Domain(
    name="dates",
    summary="datekit: leap years, month lengths and date arithmetic without the datetime module.",
    files={
        "datekit/__init__.py": '"""datekit: calendar arithmetic for environments without datetime."""\n',
        "datekit/days.py": DAYS,
        "tests/test_days.py": TESTS,
    },
    bugs=(
        Bug(
            family="wrong_constant",
            path="datekit/days.py",
            fixed="(31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)",
            buggy="(31, 28, 31, 30, 31, 30, 31, 31, 31, 31, 30, 31)",
            test_path="tests/test_days.py",
            tests=source('''
                def test_september_has_thirty_days():
                    assert days_in_month(2023, 9) == 30


                def test_add_days_from_end_of_september():
                    assert add_days(2024, 9, 30, 1) == (2024, 10, 1)


                def test_last_day_of_ordinary_year():
                    assert day_of_year(2023, 12, 31) == 365
            '''),
            statement=source('''
                Date after September 30 is "September 31"

                Our booking reminders are scheduled with datekit and one went out dated
                2024-09-31, which doesn't exist:

                ```
                >>> add_days(2024, 9, 30, 1)
                (2024, 9, 31)
                ```

                I'd expect (2024, 10, 1). Day-of-year numbers for dates after September are
                also one too high (December 31, 2023 comes out as day 366).
            '''),
        ),
        Bug(
            family="inverted_condition",
            path="datekit/days.py",
            fixed="(year % 100 != 0 or year % 400 == 0)",
            buggy="(year % 100 == 0 or year % 400 == 0)",
            test_path="tests/test_days.py",
            tests=source('''
                def test_ordinary_leap_year():
                    assert is_leap_year(2024)


                def test_century_not_divisible_by_400_is_not_leap():
                    assert not is_leap_year(1900)


                def test_february_in_leap_year():
                    assert days_in_month(2024, 2) == 29
            '''),
            statement=source('''
                February 2024 has 28 days according to days_in_month

                `days_in_month(2024, 2)` returns 28, but 2024 is a leap year. Looking a bit
                further, `is_leap_year(2024)` is False while `is_leap_year(1900)` is True,
                which is the wrong way round for both. 2000 and 2023 come out right, which
                is probably why nobody noticed.
            '''),
        ),
    ),
)
