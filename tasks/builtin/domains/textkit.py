from model import Bug, Domain, source

SLUG = source('''
    """Turn titles into URL slugs."""
    import re

    _NON_WORD = re.compile(r"[^a-z0-9]+")


    def slugify(title, separator="-"):
        """Lower-case words of `title` joined by `separator`: "Hello, World!" -> "hello-world"."""
        words = _NON_WORD.split(title.strip().lower())
        return separator.join(word for word in words if word)


    def unique_slug(title, taken):
        """A slug for `title` that is not in `taken`, adding -2, -3, ... when needed."""
        base = slugify(title)
        candidate = base
        counter = 2
        while candidate in taken:
            candidate = f"{base}-{counter}"
            counter += 1
        return candidate
''')

SHORTEN = source('''
    """Shorten text for previews and table cells."""


    def truncate(text, width=40, placeholder="..."):
        """Cut `text` to at most `width` characters; a cut text ends with `placeholder` ("...")."""
        if len(text) <= width:
            return text
        return text[: width - len(placeholder)].rstrip() + placeholder


    def initials(name):
        """First letter of each word, capitalised: "ada lovelace" -> "AL"."""
        return "".join(part[0].upper() for part in name.split())


    def word_count(text):
        return len(text.split())
''')

TESTS_SLUG = source('''
    from textkit.slug import slugify, unique_slug


    def test_slugify_joins_words():
        assert slugify("hello, world!") == "hello-world"


    def test_slugify_custom_separator():
        assert slugify("release notes 2024", separator="_") == "release_notes_2024"


    def test_unique_slug_adds_counter():
        assert unique_slug("about us", {"about-us", "about-us-2"}) == "about-us-3"
''')

TESTS_SHORTEN = source('''
    from textkit.shorten import initials, truncate, word_count


    def test_short_text_is_unchanged():
        assert truncate("short", width=10) == "short"


    def test_truncate_with_explicit_placeholder():
        assert truncate("the quick brown fox", width=12, placeholder="~") == "the quick b~"


    def test_initials():
        assert initials("ada  lovelace") == "AL"


    def test_word_count():
        assert word_count("  one two\\nthree ") == 3
''')

DOMAIN = Domain(
    name="textkit",
    summary="textkit: helpers for slugs, previews and other small text chores.",
    files={
        "textkit/__init__.py": "",
        "textkit/slug.py": SLUG,
        "textkit/shorten.py": SHORTEN,
        "tests/test_slug.py": TESTS_SLUG,
        "tests/test_shorten.py": TESTS_SHORTEN,
    },
    bugs=(
        Bug(
            family="string_handling",
            path="textkit/slug.py",
            fixed="words = _NON_WORD.split(title.strip().lower())",
            buggy="words = _NON_WORD.split(title.strip())",
            test_path="tests/test_slug.py",
            tests=source('''
                def test_slugify_lowercases_capitals():
                    assert slugify("Hello, World!") == "hello-world"


                def test_unique_slug_from_title_case():
                    assert unique_slug("About Us", set()) == "about-us"
            '''),
            statement=source('''
                Slugs are missing letters when the title has capitals

                We generate blog URLs with `slugify(post.title)`. For the post
                "Hello, World!" the URL came out as `/blog/ello-orld`. Lower-case titles
                are fine ("hello, world!" -> "hello-world"), but any capital letter just
                disappears from the slug, e.g. "Release Notes" -> "elease-otes".

                Expected: "Hello, World!" -> "hello-world", as in the docstring.
            '''),
        ),
        Bug(
            family="wrong_default_argument",
            path="textkit/shorten.py",
            fixed='def truncate(text, width=40, placeholder="..."):',
            buggy='def truncate(text, width=40, placeholder=""):',
            test_path="tests/test_shorten.py",
            tests=source('''
                def test_truncate_marks_the_cut_by_default():
                    text = "a very long sentence that certainly does not fit in forty characters"
                    shortened = truncate(text)
                    assert shortened.endswith("...")
                    assert len(shortened) <= 40


                def test_truncate_default_width_and_marker():
                    assert truncate("x" * 50) == "x" * 37 + "..."
            '''),
            statement=source('''
                truncate() no longer shows that text was cut

                Since updating, our table previews just stop mid-word, with nothing to show
                the text continues:

                    >>> truncate("x" * 50)
                    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'

                The docstring says a cut text ends with "..." and that's what we relied on.
                Passing `placeholder="..."` explicitly works around it, but we call
                truncate() in a lot of places.
            '''),
        ),
    ),
)
