from model import Bug, Domain, source

SCALE = source('''
    """Letter grades and grade point averages."""

    # (lowest score for the grade, letter, grade points), best grade first.
    SCALE = (
        (90, "A", 4.0),
        (80, "B", 3.0),
        (70, "C", 2.0),
        (60, "D", 1.0),
        (0, "F", 0.0),
    )


    def letter(score):
        """Letter grade for a 0-100 score; a score on a boundary earns the higher grade."""
        if not 0 <= score <= 100:
            raise ValueError(f"score out of range: {score}")
        for lowest, grade, _ in SCALE:
            if score >= lowest:
                return grade


    def grade_points(grade):
        for _, name, value in SCALE:
            if name == grade:
                return value
        raise KeyError(grade)


    def gpa(grades):
        """Mean grade points of a list of letter grades, rounded to two decimals."""
        if not grades:
            return 0.0
        return round(sum(grade_points(grade) for grade in grades) / len(grades), 2)
''')

REPORT = source('''
    """Class reports built from {student: score} dictionaries."""
    from gradebook.scale import letter


    def letter_grades(scores):
        """{"ana": 93} -> {"ana": "A"}"""
        return {student: letter(score) for student, score in scores.items()}


    def class_average(scores):
        if not scores:
            return None
        return sum(scores.values()) / len(scores)


    def top_student(scores):
        """Name of the student with the highest score (the first one listed on a tie)."""
        best_name, best_score = None, -1
        for name, score in scores.items():
            if score > best_score:
                best_name, best_score = name, score
        return best_name
''')

TESTS_SCALE = source('''
    import pytest

    from gradebook.scale import gpa, grade_points, letter


    def test_letter_inside_bands():
        assert [letter(95), letter(85), letter(72), letter(64), letter(12)] == ["A", "B", "C", "D", "F"]


    def test_score_out_of_range():
        with pytest.raises(ValueError):
            letter(101)


    def test_grade_points():
        assert grade_points("B") == 3.0


    def test_gpa():
        assert gpa(["A", "B", "B"]) == 3.33


    def test_gpa_without_grades():
        assert gpa([]) == 0.0
''')

TESTS_REPORT = source('''
    from gradebook.report import class_average, letter_grades, top_student


    def test_letter_grades():
        assert letter_grades({"ana": 93, "ben": 71}) == {"ana": "A", "ben": "C"}


    def test_class_average():
        assert class_average({"ana": 90, "ben": 70}) == 80


    def test_class_average_of_empty_class():
        assert class_average({}) is None
''')

DOMAIN = Domain(
    name="grades",
    summary="gradebook: letter grades, GPAs and class reports for teachers' scripts.",
    files={
        "gradebook/__init__.py": "",
        "gradebook/scale.py": SCALE,
        "gradebook/report.py": REPORT,
        "tests/test_scale.py": TESTS_SCALE,
        "tests/test_report.py": TESTS_REPORT,
    },
    bugs=(
        Bug(
            family="comparison_operator",
            path="gradebook/scale.py",
            fixed="if score >= lowest:",
            buggy="if score > lowest:",
            test_path="tests/test_scale.py",
            tests=source('''
                def test_boundary_scores_earn_the_higher_grade():
                    assert [letter(90), letter(80), letter(70), letter(60)] == ["A", "B", "C", "D"]


                def test_zero_is_an_f():
                    assert letter(0) == "F"
            '''),
            statement=source('''
                A student with exactly 90 got a B

                One of my students scored 90 on the final and the report shows a B. Our
                syllabus (and the docstring of `letter`) says 90 and above is an A. Same thing
                at 80, 70 and 60. And a score of 0 shows up as `None` instead of F, which
                breaks our spreadsheet export.
            '''),
        ),
        Bug(
            family="wrong_return_value",
            path="gradebook/report.py",
            fixed="    return best_name\n",
            buggy="    return best_score\n",
            test_path="tests/test_report.py",
            tests=source('''
                def test_top_student_is_a_name():
                    assert top_student({"ana": 93, "ben": 97, "cy": 81}) == "ben"


                def test_top_student_tie_goes_to_first():
                    assert top_student({"ana": 90, "ben": 90}) == "ana"
            '''),
            statement=source('''
                top_student gives a number

                ```
                >>> top_student({"ana": 93, "ben": 97, "cy": 81})
                97
                ```

                I was expecting "ben" -- the docs say it returns the name of the student. The
                certificate generator prints "Congratulations, 97!" now.
            '''),
        ),
    ),
)
