from model import Bug, Domain, source

CORE = source('''
    """Matrices as lists of row lists."""


    def shape(matrix):
        """(rows, columns) of `matrix`."""
        return len(matrix), (len(matrix[0]) if matrix else 0)


    def identity(size):
        return [[1 if row == col else 0 for col in range(size)] for row in range(size)]


    def transpose(matrix):
        rows, cols = shape(matrix)
        return [[matrix[r][c] for r in range(rows)] for c in range(cols)]


    def multiply(left, right):
        rows, inner = shape(left)
        inner_right, cols = shape(right)
        if inner != inner_right:
            raise ValueError(f"cannot multiply {rows}x{inner} by {inner_right}x{cols}")
        return [
            [sum(left[r][k] * right[k][c] for k in range(inner)) for c in range(cols)]
            for r in range(rows)
        ]


    def with_column(matrix, column):
        """A copy of `matrix` with `column` appended on the right; `matrix` is not changed."""
        if len(column) != len(matrix):
            raise ValueError("column length must match the number of rows")
        result = [list(row) for row in matrix]
        for row, value in zip(result, column):
            row.append(value)
        return result
''')

TESTS = source('''
    import pytest

    from matrixops.core import identity, multiply, shape, transpose, with_column


    def test_shape():
        assert shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)


    def test_identity():
        assert identity(2) == [[1, 0], [0, 1]]


    def test_transpose_square():
        assert transpose([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]


    def test_multiply_by_identity():
        matrix = [[1, 2], [3, 4]]
        assert multiply(matrix, identity(2)) == matrix


    def test_multiply_rectangular():
        assert multiply([[1, 2, 3]], [[1], [2], [3]]) == [[14]]


    def test_with_column_result():
        assert with_column([[1], [2]], [3, 4]) == [[1, 3], [2, 4]]


    def test_with_column_length_mismatch():
        with pytest.raises(ValueError):
            with_column([[1], [2]], [3])
''')

DOMAIN = Domain(
    name="matrix",
    summary="matrixops: plain-Python matrix helpers (transpose, multiply, augment).",
    files={
        "matrixops/__init__.py": "",
        "matrixops/core.py": CORE,
        "tests/test_core.py": TESTS,
    },
    bugs=(
        Bug(
            family="wrong_variable",
            path="matrixops/core.py",
            fixed="return [[matrix[r][c] for r in range(rows)] for c in range(cols)]",
            buggy="return [[matrix[r][c] for r in range(rows)] for c in range(rows)]",
            test_path="tests/test_core.py",
            tests=source('''
                def test_transpose_wide_matrix():
                    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


                def test_transpose_single_row():
                    assert transpose([[7, 8, 9]]) == [[7], [8], [9]]
            '''),
            statement=source('''
                transpose() drops columns of non-square matrices

                    >>> transpose([[1, 2, 3], [4, 5, 6]])
                    [[1, 4], [2, 5]]

                Expected `[[1, 4], [2, 5], [3, 6]]`. A single row `[[7, 8, 9]]` comes
                back as `[[7]]`. Square matrices transpose correctly.
            '''),
        ),
        Bug(
            family="input_mutation",
            path="matrixops/core.py",
            fixed="result = [list(row) for row in matrix]",
            buggy="result = list(matrix)",
            test_path="tests/test_core.py",
            tests=source('''
                def test_with_column_leaves_input_alone():
                    matrix = [[1, 2], [3, 4]]
                    with_column(matrix, [5, 6])
                    assert matrix == [[1, 2], [3, 4]]


                def test_with_column_twice_on_same_matrix():
                    matrix = [[1], [2]]
                    assert with_column(matrix, [3, 4]) == [[1, 3], [2, 4]]
                    assert with_column(matrix, [5, 6]) == [[1, 5], [2, 6]]
            '''),
            statement=source('''
                with_column changes my original matrix

                I build several augmented matrices from the same base matrix, and from the
                second one on they have extra columns:

                ```python
                base = [[1], [2]]
                a = with_column(base, [3, 4])   # [[1, 3], [2, 4]]  fine
                b = with_column(base, [5, 6])   # [[1, 3, 5], [2, 4, 6]]  ???
                print(base)                     # [[1, 3, 5], [2, 4, 6]]
                ```

                The docstring promises the input is not changed.
            '''),
        ),
    ),
)
