from model import Bug, Domain, source

SCALE = source('''
    """Scale ingredient lists to a different number of servings."""


    def round_to_step(amount, step):
        """Round `amount` to the nearest multiple of `step`; None means no rounding."""
        if step is None:
            return amount
        return round(amount / step) * step


    def scale_recipe(ingredients, servings, new_servings, step=0.25):
        """{name: (amount, unit)} scaled from `servings` to `new_servings`.

        Amounts are rounded to the nearest quarter unit by default; pass step=None to
        keep exact amounts.
        """
        if servings <= 0 or new_servings <= 0:
            raise ValueError("servings must be positive")
        factor = new_servings / servings
        return {
            name: (round_to_step(amount * factor, step), unit)
            for name, (amount, unit) in ingredients.items()
        }
''')

SHOPPING = source('''
    """Combine the ingredients of several recipes into one shopping list."""


    def shopping_list(recipes):
        """Sorted (name, total amount, unit) rows; amounts of the same name and unit are added."""
        totals = {}
        for ingredients in recipes:
            for name, (amount, unit) in ingredients.items():
                totals[name, unit] = totals.get((name, unit), 0) + amount
        return [(name, amount, unit) for (name, unit), amount in sorted(totals.items())]
''')

TESTS_SCALE = source('''
    import pytest

    from recipes.scale import round_to_step, scale_recipe


    def test_double_the_recipe():
        scaled = scale_recipe({"eggs": (2, ""), "flour": (300, "g")}, 4, 8)
        assert scaled == {"eggs": (4, ""), "flour": (600, "g")}


    def test_explicit_step():
        assert scale_recipe({"salt": (1, "tsp")}, 3, 2, step=0.5) == {"salt": (0.5, "tsp")}


    def test_round_to_step():
        assert round_to_step(2.6, 0.5) == 2.5


    def test_servings_must_be_positive():
        with pytest.raises(ValueError):
            scale_recipe({}, 0, 2)
''')

TESTS_SHOPPING = source('''
    from recipes.shopping import shopping_list


    def test_shopping_list_adds_same_ingredient():
        pancakes = {"milk": (300, "ml"), "eggs": (2, "")}
        custard = {"milk": (500, "ml"), "sugar": (80, "g")}
        assert shopping_list([pancakes, custard]) == [
            ("eggs", 2, ""),
            ("milk", 800, "ml"),
            ("sugar", 80, "g"),
        ]
''')

DOMAIN = Domain(
    name="recipes",
    summary="recipes: scale ingredient lists and build shopping lists.",
    files={
        "recipes/__init__.py": "",
        "recipes/scale.py": SCALE,
        "recipes/shopping.py": SHOPPING,
        "tests/test_scale.py": TESTS_SCALE,
        "tests/test_shopping.py": TESTS_SHOPPING,
    },
    bugs=(
        Bug(
            family="wrong_default_argument",
            path="recipes/scale.py",
            fixed="def scale_recipe(ingredients, servings, new_servings, step=0.25):",
            buggy="def scale_recipe(ingredients, servings, new_servings, step=1):",
            test_path="tests/test_scale.py",
            tests=source('''
                def test_quarter_units_by_default():
                    scaled = scale_recipe({"sugar": (0.5, "cup"), "butter": (1, "tbsp")}, 2, 3)
                    assert scaled == {"sugar": (0.75, "cup"), "butter": (1.5, "tbsp")}
            '''),
            statement=source('''
                Scaled recipes round everything to whole units

                Scaling a recipe for 2 people up to 3, half a cup of sugar becomes a whole
                cup and 1 tbsp of butter becomes 2 tbsp:

                ```python
                >>> scale_recipe({"sugar": (0.5, "cup"), "butter": (1, "tbsp")}, 2, 3)
                {'sugar': (1, 'cup'), 'butter': (2, 'tbsp')}
                ```

                According to the docstring amounts are rounded to the nearest quarter by
                default, which would give 0.75 cup and 1.5 tbsp.
            '''),
        ),
        Bug(
            family="missing_edge_case",
            path="recipes/scale.py",
            fixed="    if step is None:\n        return amount\n",
            buggy="",
            test_path="tests/test_scale.py",
            tests=source('''
                def test_exact_amounts_with_step_none():
                    scaled = scale_recipe({"yeast": (7, "g")}, 4, 3, step=None)
                    assert scaled == {"yeast": (5.25, "g")}


                def test_round_to_step_none():
                    assert round_to_step(1.2345, None) == 1.2345
            '''),
            statement=source('''
                TypeError with step=None

                I need exact amounts for a bakery recipe, so I followed the docstring and
                passed `step=None`:

                ```
                >>> scale_recipe({"yeast": (7, "g")}, 4, 3, step=None)
                Traceback (most recent call last):
                  ...
                TypeError: unsupported operand type(s) for /: 'float' and 'NoneType'
                ```
            '''),
        ),
    ),
)
