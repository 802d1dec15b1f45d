from model import Bug, Domain, source

CONVERT = source('''
    """Convert between "#rrggbb" strings, (r, g, b) tuples and CSS color names."""

    NAMED_COLORS = {
        "black": "#000000",
        "white": "#ffffff",
        "red": "#ff0000",
        "lime": "#00ff00",
        "blue": "#0000ff",
        "orange": "#ffa500",
        "gray": "#808080",
    }


    def hex_to_rgb(value):
        """ "#ff8800", "ff8800" or "#f80" -> (255, 136, 0)"""
        digits = value.strip().lstrip("#")
        if len(digits) == 3:
            digits = "".join(char * 2 for char in digits)
        if len(digits) != 6:
            raise ValueError(f"not a hex color: {value!r}")
        return tuple(int(digits[index:index + 2], 16) for index in (0, 2, 4))


    def rgb_to_hex(rgb):
        return "#" + "".join(f"{channel:02x}" for channel in rgb)


    def to_rgb(color):
        """RGB tuple for a hex string or a CSS color name (in any case)."""
        name = color.strip().lower()
        if name in NAMED_COLORS:
            return hex_to_rgb(NAMED_COLORS[name])
        return hex_to_rgb(color)
''')

PALETTE = source('''
    """Helpers for picking and ordering palette colors."""
    from colorkit.convert import hex_to_rgb


    def brightness(rgb):
        """Perceived brightness from 0 to 255 (ITU-R BT.601 luma)."""
        red, green, blue = rgb
        return 0.299 * red + 0.587 * green + 0.114 * blue


    def sort_by_brightness(colors):
        """Hex colors ordered from darkest to lightest."""
        return sorted(colors, key=lambda color: brightness(hex_to_rgb(color)))


    def text_color_for(background):
        """Black or white, whichever reads better on `background`."""
        return "#000000" if brightness(hex_to_rgb(background)) > 128 else "#ffffff"
''')

TESTS_CONVERT = source('''
    import pytest

    from colorkit.convert import hex_to_rgb, rgb_to_hex, to_rgb


    def test_hex_to_rgb():
        assert hex_to_rgb("#ff8800") == (255, 136, 0)


    def test_short_hex():
        assert hex_to_rgb("f80") == (255, 136, 0)


    def test_bad_hex():
        with pytest.raises(ValueError):
            hex_to_rgb("#12345")


    def test_rgb_to_hex_pads_channels():
        assert rgb_to_hex((0, 10, 255)) == "#000aff"


    def test_named_color():
        assert to_rgb("orange") == (255, 165, 0)
''')

TESTS_PALETTE = source('''
    from colorkit.palette import brightness, sort_by_brightness, text_color_for


    def test_brightness_of_white():
        assert round(brightness((255, 255, 255))) == 255


    def test_sort_grays():
        assert sort_by_brightness(["#cccccc", "#000000", "#777777"]) == ["#000000", "#777777", "#cccccc"]


    def test_text_color():
        assert text_color_for("#ffffff") == "#000000"
        assert text_color_for("#000080") == "#ffffff"
''')

DOMAIN = Domain(
    name="colors",
    summary="colorkit: hex/RGB/CSS-name color conversion and palette helpers.",
    files={
        "colorkit/__init__.py": "",
        "colorkit/convert.py": CONVERT,
        "colorkit/palette.py": PALETTE,
        "tests/test_convert.py": TESTS_CONVERT,
        "tests/test_palette.py": TESTS_PALETTE,
    },
    bugs=(
        Bug(
            family="wrong_dict_key",
            path="colorkit/convert.py",
            fixed="return hex_to_rgb(NAMED_COLORS[name])",
            buggy="return hex_to_rgb(NAMED_COLORS[color])",
            test_path="tests/test_convert.py",
            tests=source('''
                def test_named_color_any_case():
                    assert to_rgb("Red") == (255, 0, 0)


                def test_named_color_with_spaces():
                    assert to_rgb(" lime ") == (0, 255, 0)
            '''),
            statement=source('''
                to_rgb("Red") -> KeyError

                Color names from our theme files are capitalised:

                ```
                >>> to_rgb("Red")
                Traceback (most recent call last):
                  File "<stdin>", line 1, in <module>
                  File "colorkit/convert.py", line <<line:colorkit/convert.py:NAMED_COLORS[color]>>, in to_rgb
                    return hex_to_rgb(NAMED_COLORS[color])
                KeyError: 'Red'
                ```

                `to_rgb("red")` works. The docstring says names are accepted in any case.
            '''),
        ),
        Bug(
            family="wrong_sort_order",
            path="colorkit/palette.py",
            fixed="return sorted(colors, key=lambda color: brightness(hex_to_rgb(color)))",
            buggy="return sorted(colors, key=lambda color: hex_to_rgb(color))",
            test_path="tests/test_palette.py",
            tests=source('''
                def test_sort_primary_colors_by_brightness():
                    assert sort_by_brightness(["#00ff00", "#ff0000", "#0000ff"]) == ["#0000ff", "#ff0000", "#00ff00"]


                def test_maroon_before_cyan():
                    assert sort_by_brightness(["#00ffff", "#800000"]) == ["#800000", "#00ffff"]
            '''),
            statement=source('''
                Palette preview is not sorted from dark to light

                `sort_by_brightness(["#00ff00", "#ff0000", "#0000ff"])` returns
                `['#0000ff', '#00ff00', '#ff0000']`, so bright green comes before the much
                darker red. Grays are sorted correctly, colors are not.
            '''),
        ),
    ),
)
