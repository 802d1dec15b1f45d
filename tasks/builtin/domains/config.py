from model import Bug, Domain, source

PARSER = source('''
    """Parse simple "key = value" configuration files with [sections]."""


    class ConfigError(ValueError):
        pass


    def parse_config(text):
        """{section: {key: value}}; keys before the first [section] go in section "".

        Blank lines and lines starting with # or ; are ignored.
        """
        config = {"": {}}
        section = ""
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                config.setdefault(section, {})
                continue
            key, separator, value = line.partition("=")
            if not separator:
                raise ConfigError(f"line {number}: expected 'key = value', got {raw!r}")
            config[section][key.strip()] = value.strip()
        return config
''')

VALUES = source('''
    """Typed access to the string values of a parsed section."""
    from confparse.parser import ConfigError

    TRUE_WORDS = {"1", "yes", "true", "on"}
    FALSE_WORDS = {"0", "no", "false", "off"}


    def get_bool(section, key, default=False):
        if key not in section:
            return default
        word = section[key].lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConfigError(f"{key}: not a boolean: {section[key]!r}")


    def get_int(section, key, default=0):
        if key not in section:
            return default
        try:
            return int(section[key])
        except ValueError:
            raise ConfigError(f"{key}: not an integer: {section[key]!r}") from None


    def get_list(section, key):
        """ "a, b,,c" -> ["a", "b", "c"]; a missing key gives []."""
        if key not in section:
            return []
        return [item.strip() for item in section[key].split(",") if item.strip()]
''')

TESTS_PARSER = source('''
    import pytest

    from confparse.parser import ConfigError, parse_config


    def test_sections_and_keys():
        config = parse_config("name = demo\\n[server]\\nport = 8080\\nhost=localhost")
        assert config == {"": {"name": "demo"}, "server": {"port": "8080", "host": "localhost"}}


    def test_value_may_contain_equals_sign():
        assert parse_config("query = a=b")[""]["query"] == "a=b"


    def test_line_without_equals_sign():
        with pytest.raises(ConfigError):
            parse_config("[main]\\njust some words")
''')

TESTS_VALUES = source('''
    import pytest

    from confparse.parser import ConfigError
    from confparse.values import get_bool, get_int, get_list


    def test_get_bool_words():
        section = {"debug": "yes", "cache": "off"}
        assert get_bool(section, "debug") is True
        assert get_bool(section, "cache") is False


    def test_get_bool_default():
        assert get_bool({}, "debug", default=True) is True


    def test_get_bool_rejects_other_words():
        with pytest.raises(ConfigError):
            get_bool({"debug": "maybe"}, "debug")


    def test_get_int():
        assert get_int({"port": "8080"}, "port") == 8080


    def test_get_list():
        assert get_list({"hosts": "a, b,,c"}, "hosts") == ["a", "b", "c"]
''')

DOMAIN = Domain(
    name="config",
    summary="confparse: a small INI-style configuration parser with typed getters.",
    files={
        "confparse/__init__.py": "",
        "confparse/parser.py": PARSER,
        "confparse/values.py": VALUES,
        "tests/test_parser.py": TESTS_PARSER,
        "tests/test_values.py": TESTS_VALUES,
    },
    bugs=(
        Bug(
            family="early_loop_exit",
            path="confparse/parser.py",
            fixed='if not line or line.startswith(("#", ";")):\n            continue\n',
            buggy='if not line or line.startswith(("#", ";")):\n            break\n',
            test_path="tests/test_parser.py",
            tests=source('''
                def test_comments_and_blank_lines_are_skipped():
                    text = "# generated\\nname = demo\\n\\n[server]\\n; the port\\nport = 8080\\n"
                    assert parse_config(text) == {"": {"name": "demo"}, "server": {"port": "8080"}}


                def test_file_starting_with_a_comment():
                    assert parse_config("# settings\\ncolor = blue")[""] == {"color": "blue"}
            '''),
            statement=source('''
                Settings after a blank line are ignored

                My config file:

                ```ini
                # service settings
                name = demo

                [server]
                port = 8080
                ```

                `parse_config(open("app.ini").read())` returns `{"": {}}` -- nothing at all.
                If I delete the comment at the top I get `name`, but still no `[server]`
                section. Without any blank lines or comments everything is parsed fine.
            '''),
        ),
        Bug(
            family="string_handling",
            path="confparse/values.py",
            fixed="word = section[key].lower()",
            buggy="word = section[key]",
            test_path="tests/test_values.py",
            tests=source('''
                def test_get_bool_ignores_case():
                    section = {"debug": "True", "cache": "OFF", "verbose": "Yes"}
                    assert get_bool(section, "debug") is True
                    assert get_bool(section, "cache") is False
                    assert get_bool(section, "verbose") is True
            '''),
            statement=source('''
                "debug = True" is rejected as not a boolean

                ```
                confparse.parser.ConfigError: debug: not a boolean: 'True'
                ```

                `debug = true` works, `debug = True` (how most of our users write it) raises.
                Same for `Yes`, `OFF` and so on.
            '''),
        ),
    ),
)
