from model import Bug, Domain, source

POLICY = source('''
    """Password rules from our security policy: at least 12 characters, with a digit,
    an upper-case letter and a special character, and not containing the user name."""

    MIN_LENGTH = 12
    SPECIAL_CHARACTERS = set("!@#$%^&*()-_=+[]{};:,.?/")


    def problems(password, username=""):
        """Reasons why `password` is rejected; an empty list when it is acceptable."""
        found = []
        if len(password) < MIN_LENGTH:
            found.append(f"must be at least {MIN_LENGTH} characters long")
        if not any(char.isdigit() for char in password):
            found.append("must contain a digit")
        if not any(char.isupper() for char in password):
            found.append("must contain an upper-case letter")
        if not any(char in SPECIAL_CHARACTERS for char in password):
            found.append("must contain a special character")
        if username and username.lower() in password.lower():
            found.append("must not contain the user name")
        return found


    def is_acceptable(password, username=""):
        return not problems(password, username)
''')

TESTS = source('''
    from pwpolicy.policy import is_acceptable, problems


    def test_missing_upper_case():
        assert "must contain an upper-case letter" in problems("lower-case-only-7")


    def test_missing_special_character():
        assert "must contain a special character" in problems("NoSpecialChars42")


    def test_user_name_not_allowed():
        assert "must not contain the user name" in problems("Xx-ana1990-Xx", username="Ana")


    def test_too_short():
        assert any(problem.startswith("must be at least") for problem in problems("Ab1!"))


    def test_short_password_is_not_acceptable():
        assert not is_acceptable("short")
''')

DOMAIN = Domain(
    name="passwords",
    summary="pwpolicy: checks passwords against the company password policy.",
    files={
        "pwpolicy/__init__.py": "",
        "pwpolicy/policy.py": POLICY,
        "tests/test_policy.py": TESTS,
    },
    bugs=(
        Bug(
            family="inverted_condition",
            path="pwpolicy/policy.py",
            fixed="if not any(char.isdigit() for char in password):",
            buggy="if any(char.isdigit() for char in password):",
            test_path="tests/test_policy.py",
            tests=source('''
                def test_strong_password_is_acceptable():
                    assert is_acceptable("Correct-Horse-42", username="ana")


                def test_password_without_digit():
                    assert problems("Correct-Horse-Battery") == ["must contain a digit"]
            '''),
            statement=source('''
                Nobody can sign up anymore: "must contain a digit"

                Every password is rejected with "must contain a digit", including ones that
                clearly contain digits, e.g. `Correct-Horse-42`. And
                `Correct-Horse-Battery`, which has no digit at all, passes that check.
            '''),
        ),
        Bug(
            family="wrong_constant",
            path="pwpolicy/policy.py",
            fixed="MIN_LENGTH = 12\n",
            buggy="MIN_LENGTH = 8\n",
            test_path="tests/test_policy.py",
            tests=source('''
                def test_eleven_characters_is_too_short():
                    assert "must be at least 12 characters long" in problems("Abcdefgh1!x")


                def test_nine_characters_is_too_short():
                    assert problems("Abcdefg1!") == ["must be at least 12 characters long"]
            '''),
            statement=source('''
                Passwords shorter than the policy minimum are accepted

                The security policy (and the module docstring) require at least 12
                characters. During an audit we noticed that `Abcdefgh1!x` (11 characters)
                is accepted without complaint, and so is a 9-character password.
            '''),
        ),
    ),
)
