from model import Bug, Domain, source

CODEC = source('''
    """Run-length encoding of text such as bitmap rows: "..##." <-> "2.2#1."."""


    def runs(text):
        """[(character, run length)] for each run of equal characters."""
        result = []
        for char in text:
            if result and result[-1][0] == char:
                result[-1] = (char, result[-1][1] + 1)
            else:
                result.append((char, 1))
        return result


    def encode(text):
        """Each run as its length followed by its character."""
        if any(char.isdigit() or char.isspace() for char in text):
            raise ValueError("text must not contain digits or whitespace")
        return "".join(f"{count}{char}" for char, count in runs(text))


    def decode(encoded):
        """Inverse of encode(); whitespace between runs (such as line breaks) is ignored."""
        output = []
        count = ""
        for char in encoded:
            if char.isspace():
                continue
            if char.isdigit():
                count += char
                continue
            if not count:
                raise ValueError(f"missing run length before {char!r}")
            output.append(char * int(count))
            count = ""
        if count:
            raise ValueError("encoded text ends with a run length")
        return "".join(output)
''')

TESTS = source('''
    import pytest

    from runlength.codec import decode, encode, runs


    def test_runs():
        assert runs("aaab") == [("a", 3), ("b", 1)]


    def test_encode_empty_text():
        assert encode("") == ""


    def test_encode_rejects_digits():
        with pytest.raises(ValueError):
            encode("a1")


    def test_decode_multi_digit_counts():
        assert decode("12#1.") == "#" * 12 + "."


    def test_decode_requires_run_length():
        with pytest.raises(ValueError):
            decode("3a#")
''')

DOMAIN = Domain(
    name="rle",
    summary="runlength: run-length encoding for bitmap rows and other repetitive text.",
    files={
        "runlength/__init__.py": "",
        "runlength/codec.py": CODEC,
        "tests/test_codec.py": TESTS,
    },
    bugs=(
        Bug(
            family="early_loop_exit",
            path="runlength/codec.py",
            fixed="if char.isspace():\n            continue\n",
            buggy="if char.isspace():\n            break\n",
            test_path="tests/test_codec.py",
            tests=source('''
                def test_decode_ignores_line_breaks():
                    assert decode("3#2.\\n1#4.") == "###..#...."


                def test_decode_ignores_spaces():
                    assert decode("2a 2b") == "aabb"
            '''),
            statement=source('''
                decode() silently truncates wrapped input

                We store encoded sprites wrapped at 80 columns. Decoding such a file gives
                only the first line's worth of pixels, without any error:

                ```python
                >>> decode("3#2.\\n1#4.")
                '###..'
                ```

                Expected `'###..#....'`. The docstring says whitespace between runs is
                ignored.
            '''),
        ),
        Bug(
            family="string_handling",
            path="runlength/codec.py",
            fixed='return "".join(f"{count}{char}" for char, count in runs(text))',
            buggy='return "".join(f"{char}{count}" for char, count in runs(text))',
            test_path="tests/test_codec.py",
            tests=source('''
                def test_encode():
                    assert encode("..##.") == "2.2#1."


                def test_round_trip():
                    text = "aaaaaaaaaaaabccd"
                    assert decode(encode(text)) == text
            '''),
            statement=source('''
                Can't decode what encode() produced

                ```
                >>> encode("..##.")
                '.22#1.'
                >>> decode(encode("..##."))
                Traceback (most recent call last):
                  ...
                ValueError: missing run length before '.'
                ```

                The module docstring gives "2.2#1." as the encoding of "..##.".
            '''),
        ),
    ),
)
