from model import Bug, Domain, source

MONEY = source('''
    """Rounding and formatting of money amounts held as floats."""
    import math


    def round_cents(amount):
        """Round half up to whole cents (round() would round half to even)."""
        return math.floor(amount * 100 + 0.5) / 100


    def format_price(amount, currency="$"):
        return f"{currency}{amount:,.2f}"
''')

CART = source('''
    """A shopping cart with per-line quantities, a percentage coupon and sales tax."""
    from shopcart.money import round_cents


    class Cart:
        def __init__(self, tax_rate=0.0):
            self.tax_rate = tax_rate
            self.lines = {}
            self.coupon_percent = 0

        def add(self, sku, unit_price, quantity=1):
            if quantity <= 0:
                raise ValueError("quantity must be positive")
            price, count = self.lines.get(sku, (unit_price, 0))
            self.lines[sku] = (price, count + quantity)

        def remove(self, sku):
            self.lines.pop(sku, None)

        def apply_coupon(self, percent):
            if not 0 <= percent <= 100:
                raise ValueError("coupon percent must be between 0 and 100")
            self.coupon_percent = percent

        def subtotal(self):
            return round_cents(sum(price * count for price, count in self.lines.values()))

        def discount(self):
            return round_cents(self.subtotal() * self.coupon_percent / 100)

        def total(self):
            taxable = self.subtotal() - self.discount()
            return round_cents(taxable * (1 + self.tax_rate))

        def average_unit_price(self):
            """Mean price per unit in the cart; 0.0 for an empty cart."""
            units = sum(count for _, count in self.lines.values())
            if units == 0:
                return 0.0
            return round_cents(self.subtotal() / units)
''')

TESTS_CART = source('''
    import pytest

    from shopcart.cart import Cart


    def test_subtotal_adds_lines():
        cart = Cart()
        cart.add("apple", 0.5, 4)
        cart.add("bread", 2.25)
        assert cart.subtotal() == 4.25


    def test_adding_same_sku_increases_quantity():
        cart = Cart()
        cart.add("apple", 0.5)
        cart.add("apple", 0.5, 2)
        assert cart.lines["apple"] == (0.5, 3)


    def test_total_with_tax():
        cart = Cart(tax_rate=0.2)
        cart.add("book", 10.0, 2)
        assert cart.total() == 24.0


    def test_coupon_out_of_range():
        with pytest.raises(ValueError):
            Cart().apply_coupon(120)


    def test_average_unit_price():
        cart = Cart()
        cart.add("pen", 1.0, 3)
        cart.add("pad", 3.0)
        assert cart.average_unit_price() == 1.5
''')

TESTS_MONEY = source('''
    from shopcart.money import format_price, round_cents


    def test_round_half_up():
        assert round_cents(0.125) == 0.13


    def test_format_price():
        assert format_price(1234.5) == "$1,234.50"
''')

DOMAIN = Domain(
    name="cart",
    summary="shopcart: a shopping cart with coupons and tax for small web shops.",
    files={
        "shopcart/__init__.py": "",
        "shopcart/cart.py": CART,
        "shopcart/money.py": MONEY,
        "tests/test_cart.py": TESTS_CART,
        "tests/test_money.py": TESTS_MONEY,
    },
    bugs=(
        Bug(
            family="arithmetic_operator",
            path="shopcart/cart.py",
            fixed="taxable = self.subtotal() - self.discount()",
            buggy="taxable = self.subtotal() + self.discount()",
            test_path="tests/test_cart.py",
            tests=source('''
                def test_coupon_lowers_total():
                    cart = Cart()
                    cart.add("shirt", 20.0, 2)
                    cart.apply_coupon(25)
                    assert cart.total() == 30.0


                def test_coupon_then_tax():
                    cart = Cart(tax_rate=0.1)
                    cart.add("shirt", 50.0)
                    cart.apply_coupon(10)
                    assert cart.total() == 49.5
            '''),
            statement=source('''
                Customers with a coupon pay MORE than without one

                Reported by our support team: a customer applied a 25% coupon to a $40
                order and was charged $50.

                ```python
                cart = Cart()
                cart.add("shirt", 20.0, 2)
                cart.apply_coupon(25)
                print(cart.discount())   # 10.0 -- correct
                print(cart.total())      # 50.0 -- expected 30.0
                ```

                The discount amount itself looks right; it's the total that is off.
            '''),
        ),
        Bug(
            family="missing_edge_case",
            path="shopcart/cart.py",
            fixed="        if units == 0:\n            return 0.0\n",
            buggy="",
            test_path="tests/test_cart.py",
            tests=source('''
                def test_average_unit_price_of_empty_cart():
                    assert Cart().average_unit_price() == 0.0


                def test_average_unit_price_after_removing_everything():
                    cart = Cart()
                    cart.add("pen", 1.0)
                    cart.remove("pen")
                    assert cart.average_unit_price() == 0.0
            '''),
            statement=source('''
                Crash on the cart page when the cart is empty

                The mini-cart widget shows the average unit price. As soon as a user
                removes the last item, the page errors out:

                ```
                Traceback (most recent call last):
                  ...
                  File "shopcart/cart.py", line <<line:shopcart/cart.py:return round_cents(self.subtotal() / units)>>, in average_unit_price
                    return round_cents(self.subtotal() / units)
                ZeroDivisionError: float division by zero
                ```

                An empty cart should just show 0.0.
            '''),
        ),
    ),
)
