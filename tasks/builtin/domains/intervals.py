from model import Bug, Domain, source

SPANS = source('''
    """Closed integer intervals as (start, end) tuples with start <= end."""


    def overlaps(a, b):
        """True when two closed intervals share at least one point."""
        return a[0] <= b[1] and b[0] <= a[1]


    def merge(intervals):
        """The union of `intervals` as a sorted list of disjoint intervals.

        Overlapping or touching intervals ((1, 3) and (3, 5)) are joined.
        The argument is not modified.
        """
        ordered = sorted(intervals)
        merged = []
        for start, end in ordered:
            if merged and overlaps(merged[-1], (start, end)):
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged


    def covered_length(intervals):
        return sum(end - start for start, end in merge(intervals))


    def gaps(intervals, low, high):
        """The parts of [low, high] that no interval covers."""
        free = []
        cursor = low
        for start, end in merge(intervals):
            if start > cursor:
                free.append((cursor, min(start, high)))
            cursor = max(cursor, end)
        if cursor < high:
            free.append((cursor, high))
        return free
''')

TESTS = source('''
    from spans.intervals import covered_length, gaps, merge, overlaps


    def test_overlapping_intervals():
        assert overlaps((1, 5), (4, 8))


    def test_disjoint_intervals():
        assert not overlaps((1, 2), (5, 8))


    def test_merge_sorted_input():
        assert merge([(1, 4), (2, 6), (8, 9)]) == [(1, 6), (8, 9)]


    def test_merge_nested():
        assert merge([(1, 10), (2, 3)]) == [(1, 10)]


    def test_covered_length():
        assert covered_length([(0, 2), (1, 4), (10, 11)]) == 5


    def test_gaps():
        assert gaps([(9, 10), (12, 14)], 8, 17) == [(8, 9), (10, 12), (14, 17)]
''')

DOMAIN = Domain(
    name="intervals",
    summary="spans: merge, measure and find gaps between closed integer intervals.",
    files={
        "spans/__init__.py": "",
        "spans/intervals.py": SPANS,
        "tests/test_intervals.py": TESTS,
    },
    bugs=(
        Bug(
            family="comparison_operator",
            path="spans/intervals.py",
            fixed="return a[0] <= b[1] and b[0] <= a[1]",
            buggy="return a[0] < b[1] and b[0] < a[1]",
            test_path="tests/test_intervals.py",
            tests=source('''
                def test_touching_intervals_overlap():
                    assert overlaps((1, 3), (3, 5))
                    assert overlaps((3, 5), (1, 3))


                def test_merge_joins_touching_intervals():
                    assert merge([(3, 5), (1, 3)]) == [(1, 5)]


                def test_single_points():
                    assert overlaps((4, 4), (4, 4))
            '''),
            statement=source('''
                Back-to-back meetings are not merged

                Our room calendar merges bookings with `merge()`. A booking from 9 to 10 and
                one from 10 to 11 should become a single 9-11 block (the docstring even uses
                (1, 3) and (3, 5) as the example), but we get two separate blocks:

                ```
                >>> merge([(9, 10), (10, 11)])
                [(9, 10), (10, 11)]
                ```

                `overlaps((1, 3), (3, 5))` is also False, although the intervals are closed
                and share the point 3.
            '''),
        ),
        Bug(
            family="input_mutation",
            path="spans/intervals.py",
            fixed="    ordered = sorted(intervals)\n",
            buggy="    intervals.sort()\n    ordered = intervals\n",
            test_path="tests/test_intervals.py",
            tests=source('''
                def test_merge_leaves_its_argument_alone():
                    bookings = [(8, 9), (1, 2), (4, 6)]
                    assert merge(bookings) == [(1, 2), (4, 6), (8, 9)]
                    assert bookings == [(8, 9), (1, 2), (4, 6)]
            '''),
            statement=source('''
                Calling merge() reorders my list

                I keep bookings in the order they were made and show that order in the UI.
                After computing `covered_length(bookings)` for a summary line, the list in
                the UI is suddenly sorted by start time. Passing a copy works around it.
                The docstring of merge says the argument is not modified.
            '''),
        ),
    ),
)
