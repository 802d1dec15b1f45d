from model import Bug, Domain, source

LENGTH = source('''
    """Length conversion between metric and imperial units."""

    METRES_PER_UNIT = {
        "mm": 0.001,
        "cm": 0.01,
        "m": 1.0,
        "km": 1000.0,
        "in": 0.0254,
        "ft": 0.3048,
        "yd": 0.9144,
        "mi": 1609.344,
    }
    ALIASES = {"inch": "in", "inches": "in", "foot": "ft", "feet": "ft", "mile": "mi", "miles": "mi"}


    def normalize_unit(name):
        key = name.strip().lower()
        return ALIASES.get(key, key)


    def convert_length(value, from_unit, to_unit):
        source, target = normalize_unit(from_unit), normalize_unit(to_unit)
        for unit in (source, target):
            if unit not in METRES_PER_UNIT:
                raise ValueError(f"unknown length unit: {unit}")
        return value * METRES_PER_UNIT[source] / METRES_PER_UNIT[target]
''')

TEMPERATURE = source('''
    """Temperature conversion between the Celsius, Fahrenheit and Kelvin scales."""

    TO_CELSIUS = {
        "C": lambda degrees: degrees,
        "F": lambda degrees: (degrees - 32) * 5 / 9,
        "K": lambda degrees: degrees - 273.15,
    }
    FROM_CELSIUS = {
        "C": lambda degrees: degrees,
        "F": lambda degrees: degrees * 9 / 5 + 32,
        "K": lambda degrees: degrees + 273.15,
    }


    def convert_temperature(value, from_scale, to_scale):
        """Convert `value` between scales named "C", "F" or "K" (any case)."""
        celsius = TO_CELSIUS[from_scale.upper()](value)
        return FROM_CELSIUS[to_scale.upper()](celsius)
''')

TESTS_LENGTH = source('''
    import pytest

    from unitconv.length import convert_length, normalize_unit


    def test_to_metres():
        assert convert_length(3, "km", "m") == 3000
        assert convert_length(2, "feet", "m") == pytest.approx(0.6096)


    def test_aliases():
        assert normalize_unit(" Inches ") == "in"


    def test_unknown_unit():
        with pytest.raises(ValueError):
            convert_length(1, "cubit", "m")
''')

TESTS_TEMPERATURE = source('''
    import pytest

    from unitconv.temperature import convert_temperature


    def test_same_scale_is_unchanged():
        assert convert_temperature(21.5, "c", "C") == 21.5


    def test_unknown_scale():
        with pytest.raises(KeyError):
            convert_temperature(1, "X", "C")
''')

DOMAIN = Domain(
    name="units",
    summary="unitconv: length and temperature conversions for recipe and travel apps.",
    files={
        "unitconv/__init__.py": "",
        "unitconv/length.py": LENGTH,
        "unitconv/temperature.py": TEMPERATURE,
        "tests/test_length.py": TESTS_LENGTH,
        "tests/test_temperature.py": TESTS_TEMPERATURE,
    },
    bugs=(
        Bug(
            family="arithmetic_operator",
            path="unitconv/length.py",
            fixed="return value * METRES_PER_UNIT[source] / METRES_PER_UNIT[target]",
            buggy="return value * METRES_PER_UNIT[source] * METRES_PER_UNIT[target]",
            test_path="tests/test_length.py",
            tests=source('''
                def test_inches_to_feet():
                    assert convert_length(12, "in", "ft") == pytest.approx(1.0)


                def test_kilometres_to_miles():
                    assert convert_length(10, "km", "mi") == pytest.approx(6.213712, rel=1e-6)
            '''),
            statement=source('''
                convert_length(10, "km", "mi") returns 16093440.0

                Converting to metres works, but converting to any other unit gives huge or
                tiny numbers:

                - `convert_length(10, "km", "mi")` -> 16093440.0 (expected about 6.21)
                - `convert_length(12, "in", "ft")` -> 0.0929 (expected 1.0)
            '''),
        ),
        Bug(
            family="wrong_dict_key",
            path="unitconv/temperature.py",
            fixed="return FROM_CELSIUS[to_scale.upper()](celsius)",
            buggy="return FROM_CELSIUS[from_scale.upper()](celsius)",
            test_path="tests/test_temperature.py",
            tests=source('''
                def test_fahrenheit_to_celsius():
                    assert convert_temperature(212, "F", "C") == pytest.approx(100)


                def test_celsius_to_kelvin():
                    assert convert_temperature(0, "C", "k") == pytest.approx(273.15)
            '''),
            statement=source('''
                Temperature conversion returns the input unchanged

                ```
                >>> from unitconv.temperature import convert_temperature
                >>> convert_temperature(212, "F", "C")
                212.0
                >>> convert_temperature(0, "C", "K")
                0
                ```

                Expected 100 and 273.15. No error is raised, the value just comes back as it
                went in, whatever the scales.
            '''),
        ),
    ),
)
