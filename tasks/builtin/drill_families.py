"""The drill suite's bug families: one small function each, its bug, its tests and its issue texts.

Every family's fix is the same one-token edit wherever it appears (`edit`: SEARCH -> REPLACE), so an
agent that has read the issue right can fix an unseen repository with `replace`. The issue texts
name the function and describe the symptom in family-specific words; they never name the edit.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class DrillFamily:
    name: str
    edit: tuple  # (SEARCH, REPLACE) that fixes the bug: buggy text -> fixed text
    verbs: tuple  # function names are VERB_NOUN
    source: str  # the fixed function; {func} and {noun} are filled in
    fixed: str  # snippet of the fixed source that the bug replaces (occurs exactly once)
    buggy: str
    failing_test: str  # call == expected: fails on the bug, passes when fixed
    passing_test: str  # call == expected: passes before and after
    statements: tuple  # issue texts; {func} and {noun} are filled in


FAMILIES = (
    DrillFamily(
        name="comparison_operator",
        edit=(" < ", " <= "),
        verbs=("within", "capped", "allowed"),
        source=(
            "def {func}(values, limit):\n"
            '    """The {noun} values that are at most `limit`, in their original order."""\n'
            "    return [value for value in values if value <= limit]\n"
        ),
        fixed="value <= limit",
        buggy="value < limit",
        failing_test="{func}([3, 5, 8], 5) == [3, 5]",
        passing_test="{func}([1, 9], 4) == [1]",
        statements=(
            "`{func}` leaves out values exactly at the limit\n\n"
            "`{func}([3, 5, 8], 5)` returns `[3]`. 5 is not above the limit, so I expected `[3, 5]`.\n"
            "Values equal to the limit are dropped at the boundary.\n",
            "Boundary value missing from {noun} list\n\n"
            "`{func}` should keep every value up to and including the limit, but a value equal to\n"
            "the limit is left out: `{func}([3, 5, 8], 5)` gives `[3]` instead of `[3, 5]`.\n",
        ),
    ),
    DrillFamily(
        name="early_loop_exit",
        edit=("break", "continue"),
        verbs=("total", "sum", "tally"),
        source=(
            "def {func}(values):\n"
            '    """Sum of the {noun} values; missing values (None) are skipped."""\n'
            "    total = 0\n"
            "    for value in values:\n"
            "        if value is None:\n"
            "            continue\n"
            "        total += value\n"
            "    return total\n"
        ),
        fixed="            continue\n",
        buggy="            break\n",
        failing_test="{func}([2, None, 5]) == 7",
        passing_test="{func}([1, 2]) == 3",
        statements=(
            "`{func}` stops counting at the first missing value\n\n"
            "`{func}([2, None, 5])` returns `2`; I expected `7`. Everything after the first `None`\n"
            "is ignored instead of only the `None` being skipped.\n",
            "{noun} total ignores everything after a gap\n\n"
            "When a value is missing, `{func}` gives up on the rest of the list:\n"
            "`{func}([2, None, 5])` is `2`, not `7`. It should skip the gap and go on.\n",
        ),
    ),
    DrillFamily(
        name="integer_division",
        edit=(" // ", " / "),
        verbs=("average", "mean", "ratio"),
        source=(
            "def {func}(total, count):\n"
            '    """Average {noun} per item, as a float; 0.0 when there are no items."""\n'
            "    if count == 0:\n"
            "        return 0.0\n"
            "    return total / count\n"
        ),
        fixed="total / count",
        buggy="total // count",
        failing_test="{func}(7, 2) == 3.5",
        passing_test="{func}(8, 2) == 4",
        statements=(
            "`{func}` loses the fractional part\n\n"
            "`{func}(7, 2)` returns `3` instead of `3.5`. The result is rounded down to a whole\n"
            "number; an average should keep its fraction.\n",
            "{noun} average is always a whole number\n\n"
            "`{func}(7, 2)` gives `3`, but 7 / 2 is `3.5`. The fractional part is truncated.\n",
        ),
    ),
    DrillFamily(
        name="arithmetic_operator",
        edit=(" - ", " + "),
        verbs=("combined", "gross", "full"),
        source=(
            "def {func}(base, extra):\n"
            '    """The {noun} amount: `base` plus `extra`."""\n'
            "    return base + extra\n"
        ),
        fixed="base + extra",
        buggy="base - extra",
        failing_test="{func}(10, 3) == 13",
        passing_test="{func}(4, 0) == 4",
        statements=(
            "`{func}` subtracts the extra amount instead of adding it\n\n"
            "`{func}(10, 3)` returns `7`; the documented result is `13` (base plus extra).\n",
            "{noun} amount comes out too small\n\n"
            "`{func}(10, 3)` should add the extra to the base and give `13`, but it gives `7`:\n"
            "the extra is taken away.\n",
        ),
    ),
    DrillFamily(
        name="inverted_condition",
        edit=("if not ", "if "),
        verbs=("present", "filled", "nonempty"),
        source=(
            "def {func}(values):\n"
            '    """The {noun} entries that are set (truthy), in order."""\n'
            "    kept = []\n"
            "    for value in values:\n"
            "        if value:\n"
            "            kept.append(value)\n"
            "    return kept\n"
        ),
        fixed="        if value:\n",
        buggy="        if not value:\n",
        failing_test='{func}(["a", "", "b"]) == ["a", "b"]',
        passing_test="{func}([]) == []",
        statements=(
            "`{func}` returns exactly the opposite entries\n\n"
            '`{func}(["a", "", "b"])` returns `[""]`: it keeps the empty entry and drops the set ones.\n'
            'I expected `["a", "b"]`. The condition seems inverted.\n',
            "{noun} filter is backwards\n\n"
            '`{func}(["a", "", "b"])` gives `[""]` instead of `["a", "b"]`; set entries are thrown\n'
            "away and empty ones kept, the opposite of what it should do.\n",
        ),
    ),
    DrillFamily(
        name="off_by_one",
        edit=(" + 1]", "]"),
        verbs=("first", "head", "leading"),
        source=(
            "def {func}(values, count):\n"
            '    """The first `count` {noun} values."""\n'
            "    return list(values)[:count]\n"
        ),
        fixed="[:count]",
        buggy="[:count + 1]",
        failing_test="{func}([1, 2, 3], 2) == [1, 2]",
        passing_test="{func}([1, 2], 5) == [1, 2]",
        statements=(
            "`{func}` returns one item too many\n\n"
            "`{func}([1, 2, 3], 2)` returns `[1, 2, 3]`; asking for 2 items should give `[1, 2]`.\n"
            "There is always one extra element.\n",
            "{noun} list is one element too long\n\n"
            "`{func}([1, 2, 3], 2)` gives three values, `[1, 2, 3]`, instead of two, `[1, 2]`.\n",
        ),
    ),
    DrillFamily(
        name="string_handling",
        edit=(".upper()", ".lower()"),
        verbs=("key", "slug", "normalized"),
        source=(
            "def {func}(name):\n"
            '    """The {noun} lookup key: `name` stripped and in lower case."""\n'
            "    return name.strip().lower()\n"
        ),
        fixed=".lower()",
        buggy=".upper()",
        failing_test='{func}(" Ab ") == "ab"',
        passing_test='{func}("12") == "12"',
        statements=(
            "`{func}` gives upper-case keys\n\n"
            '`{func}(" Ab ")` returns `"AB"`; keys are documented as lower case, so `"ab"`.\n',
            "{noun} keys come out in capitals\n\n"
            '`{func}(" Ab ")` should be `"ab"` (lower case) but is `"AB"`. The case is wrong.\n',
        ),
    ),
    DrillFamily(
        name="wrong_sort_order",
        edit=("reverse=True", "reverse=False"),
        verbs=("sorted", "ordered", "ranked"),
        source=(
            "def {func}(values):\n"
            '    """The {noun} values from smallest to largest."""\n'
            "    return sorted(values, reverse=False)\n"
        ),
        fixed="reverse=False",
        buggy="reverse=True",
        failing_test="{func}([3, 1, 2]) == [1, 2, 3]",
        passing_test="{func}([4]) == [4]",
        statements=(
            "`{func}` sorts in descending order\n\n"
            "`{func}([3, 1, 2])` returns `[3, 2, 1]`; it should be ascending, `[1, 2, 3]`.\n",
            "{noun} values are listed largest first\n\n"
            "`{func}([3, 1, 2])` gives `[3, 2, 1]` but smallest first, `[1, 2, 3]`, is expected.\n"
            "The order is reversed.\n",
        ),
    ),
)

FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
EDITS = tuple(family.edit for family in FAMILIES)
