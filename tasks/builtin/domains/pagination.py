from model import Bug, Domain, source

PAGES = source('''
    """Split result lists into numbered pages; page numbers start at 1."""


    def page_count(total, per_page):
        """Number of pages needed for `total` items (at least 1, for the empty first page)."""
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        return max(1, -(-total // per_page))


    def page(items, number, per_page=10):
        """The items on page `number`; an empty list past the last page."""
        if number < 1:
            raise ValueError("page numbers start at 1")
        start = (number - 1) * per_page
        return items[start:start + per_page]


    def page_window(current, last, width=5):
        """Up to `width` consecutive page numbers around `current`, for a pager widget."""
        half = width // 2
        first = max(1, min(current - half, last - width + 1))
        return list(range(first, min(last, first + width - 1) + 1))
''')

TESTS = source('''
    import pytest

    from pager.pages import page, page_count, page_window


    def test_page_count_rounds_up():
        assert page_count(25, 10) == 3


    def test_page_count_of_no_items():
        assert page_count(0, 10) == 1


    def test_page_count_rejects_zero_per_page():
        with pytest.raises(ValueError):
            page_count(5, 0)


    def test_page_past_the_end_is_empty():
        assert page(list(range(25)), 4) == []


    def test_page_numbers_start_at_one():
        with pytest.raises(ValueError):
            page([1, 2, 3], 0)
''')

DOMAIN = Domain(
    name="pagination",
    summary="pager: page counts, page slices and pager-widget windows for list views.",
    files={
        "pager/__init__.py": "",
        "pager/pages.py": PAGES,
        "tests/test_pages.py": TESTS,
    },
    bugs=(
        Bug(
            family="off_by_one",
            path="pager/pages.py",
            fixed="return items[start:start + per_page]",
            buggy="return items[start:start + per_page + 1]",
            test_path="tests/test_pages.py",
            tests=source('''
                def test_first_page():
                    assert page(list(range(1, 26)), 1) == list(range(1, 11))


                def test_pages_do_not_overlap():
                    items = list(range(1, 8))
                    assert page(items, 1, per_page=3) == [1, 2, 3]
                    assert page(items, 2, per_page=3) == [4, 5, 6]
                    assert page(items, 3, per_page=3) == [7]
            '''),
            statement=source('''
                Same row shows up at the bottom of one page and the top of the next

                In our admin list (10 rows per page) page 1 shows 11 rows, and the 11th row
                is repeated as the first row of page 2. Every page boundary has the same
                duplicate. Page count is correct (3 pages for 25 rows).
            '''),
        ),
        Bug(
            family="integer_division",
            path="pager/pages.py",
            fixed="half = width // 2",
            buggy="half = width / 2",
            test_path="tests/test_pages.py",
            tests=source('''
                def test_window_in_the_middle():
                    assert page_window(10, 20) == [8, 9, 10, 11, 12]


                def test_window_of_nine_pages():
                    assert page_window(5, 9) == [3, 4, 5, 6, 7]
            '''),
            statement=source('''
                page_window() raises TypeError

                Rendering the pager for page 10 of 20 fails:

                ```
                Traceback (most recent call last):
                  File "views.py", line 88, in render_pager
                    numbers = page_window(current, last)
                  File "pager/pages.py", line <<line:pager/pages.py:return list(range(first, min(last, first + width - 1) + 1))>>, in page_window
                    return list(range(first, min(last, first + width - 1) + 1))
                TypeError: 'float' object cannot be interpreted as an integer
                ```

                I expected `[8, 9, 10, 11, 12]`.
            '''),
        ),
    ),
)
