"""The bug families of the suite; every bug names one of them."""

FAMILIES = {
    "comparison_operator": "a strict comparison where an inclusive one belongs, or the reverse",
    "off_by_one": "a range, slice or index that is one too far or one too short",
    "wrong_constant": "a literal with the wrong value (a limit, a table entry, a factor)",
    "missing_edge_case": "empty input, zero or None is not handled",
    "wrong_variable": "a neighbouring variable is used instead of the intended one",
    "arithmetic_operator": "the wrong arithmetic operator",
    "inverted_condition": "a boolean condition that is negated",
    "wrong_default_argument": "a parameter default that contradicts the documented behaviour",
    "wrong_return_value": "the function returns the wrong object or value",
    "string_handling": "a strip, case, split or formatting mistake",
    "wrong_dict_key": "a lookup that uses the wrong key",
    "early_loop_exit": "a loop that stops (break/return) before it has seen everything",
    "integer_division": "floor division where true division belongs, or the reverse",
    "wrong_sort_order": "a sort with the wrong key or direction",
    "input_mutation": "the caller's argument is modified in place",
    "exception_handling": "the wrong exception is raised or caught",
}
