from model import Bug, Domain, source

SUMMARY = source('''
    """Summary statistics for plain lists of numbers."""


    def mean(values):
        """Arithmetic mean of a non-empty sequence."""
        if not values:
            raise ValueError("mean() requires at least one value")
        return sum(values) / len(values)


    def median(values):
        """Middle value; for an even count, the mean of the two middle values."""
        if not values:
            raise ValueError("median() requires at least one value")
        ordered = sorted(values)
        mid = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[mid]
        return (ordered[mid - 1] + ordered[mid]) / 2


    def mode(values):
        """Most common value; on a tie, the value seen first wins."""
        counts = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        best = None
        for value, count in counts.items():
            if best is None or count > counts[best]:
                best = value
        return best


    def value_range(values):
        """Distance between the largest and the smallest value."""
        return max(values) - min(values)
''')

SPREAD = source('''
    """Measures of spread built on the summary functions."""
    import math

    from statkit.summary import mean


    def variance(values, sample=False):
        """Population variance, or the sample variance when `sample` is true."""
        center = mean(values)
        squares = sum((value - center) ** 2 for value in values)
        divisor = len(values) - 1 if sample else len(values)
        return squares / divisor


    def stdev(values, sample=False):
        return math.sqrt(variance(values, sample))


    def zscores(values):
        """How many standard deviations each value lies from the mean."""
        center = mean(values)
        spread = stdev(values)
        return [(value - center) / spread for value in values]
''')

TESTS_SUMMARY = source('''
    import pytest

    from statkit.summary import mean, median, mode, value_range


    def test_mean_of_whole_numbers():
        assert mean([2, 4, 6]) == 4


    def test_mean_rejects_empty_input():
        with pytest.raises(ValueError):
            mean([])


    def test_median_odd_count():
        assert median([7, 1, 3]) == 3


    def test_mode_prefers_first_on_tie():
        assert mode(["b", "a", "a", "b"]) == "b"


    def test_value_range():
        assert value_range([4, -2, 9]) == 11
''')

TESTS_SPREAD = source('''
    import pytest

    from statkit.spread import stdev, variance, zscores


    def test_population_variance():
        assert variance([2, 4, 4, 4, 5, 5, 7, 9]) == 4


    def test_sample_variance():
        assert variance([2, 4, 6], sample=True) == 4


    def test_stdev():
        assert stdev([2, 4, 4, 4, 5, 5, 7, 9]) == 2


    def test_zscores_are_centred():
        assert sum(zscores([2, 4, 4, 4, 5, 5, 7, 9])) == pytest.approx(0)
''')

DOMAIN = Domain(
    name="stats",
    summary="statkit: small, dependency-free summary statistics (mean, median, mode, variance).",
    files={
        "statkit/__init__.py": '"""statkit: summary statistics without dependencies."""\n',
        "statkit/summary.py": SUMMARY,
        "statkit/spread.py": SPREAD,
        "tests/test_summary.py": TESTS_SUMMARY,
        "tests/test_spread.py": TESTS_SPREAD,
    },
    bugs=(
        Bug(
            family="integer_division",
            path="statkit/summary.py",
            fixed="return sum(values) / len(values)",
            buggy="return sum(values) // len(values)",
            test_path="tests/test_summary.py",
            tests=source('''
                def test_mean_keeps_the_fraction():
                    assert mean([1, 2]) == 1.5


                def test_mean_of_floats():
                    assert mean([0.5, 0.25, 0.75]) == pytest.approx(0.5)
            '''),
            statement=source('''
                mean() loses the fractional part

                I'm computing average response times with statkit and the numbers looked
                suspiciously round. Minimal example:

                ```python
                >>> from statkit.summary import mean
                >>> mean([1, 2])
                1
                >>> mean([0.5, 0.25, 0.75])
                0.0
                ```

                I'd expect `1.5` and `0.5`. Because variance() and stdev() are built on
                mean(), they come out wrong for the same inputs too.
            '''),
        ),
        Bug(
            family="off_by_one",
            path="statkit/summary.py",
            fixed="return (ordered[mid - 1] + ordered[mid]) / 2",
            buggy="return (ordered[mid] + ordered[mid + 1]) / 2",
            test_path="tests/test_summary.py",
            tests=source('''
                def test_median_even_count():
                    assert median([4, 1, 3, 2]) == 2.5


                def test_median_of_two_values():
                    assert median([8, 4]) == 6
            '''),
            statement=source('''
                median crashes for a list with two numbers

                ```
                >>> from statkit.summary import median
                >>> median([8, 4])
                Traceback (most recent call last):
                  File "<stdin>", line 1, in <module>
                  File "statkit/summary.py", line <<line:statkit/summary.py:ordered[mid + 1]>>, in median
                    return (ordered[mid] + ordered[mid + 1]) / 2
                IndexError: list index out of range
                ```

                With four values it doesn't crash but the answer is off:
                `median([4, 1, 3, 2])` gives 3.5, while the median of 1, 2, 3, 4 is 2.5.
                Odd-length lists are fine.
            '''),
        ),
    ),
)
