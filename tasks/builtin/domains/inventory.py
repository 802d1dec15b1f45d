from model import Bug, Domain, source

INVENTORY = source('''
    """An in-memory stock list keyed by SKU."""


    class Inventory:
        def __init__(self):
            self._items = {}

        def add_item(self, sku, name, quantity=0, reorder_level=5):
            if sku in self._items:
                raise KeyError(f"duplicate sku {sku}")
            self._items[sku] = {
                "sku": sku,
                "name": name,
                "quantity": quantity,
                "reorder_level": reorder_level,
            }

        def receive(self, sku, amount):
            self._items[sku]["quantity"] += amount

        def ship(self, sku, amount):
            item = self._items[sku]
            if amount > item["quantity"]:
                raise ValueError(f"only {item['quantity']} of {sku} in stock")
            item["quantity"] -= amount

        def quantity(self, sku):
            return self._items[sku]["quantity"]

        def needs_reorder(self):
            """SKUs whose quantity has fallen to or below their reorder level, sorted."""
            return sorted(
                sku for sku, item in self._items.items() if item["quantity"] <= item["reorder_level"]
            )

        def stock_value(self, prices):
            """Total value of the stock, given a unit price per SKU."""
            return sum(item["quantity"] * prices[item["sku"]] for item in self._items.values())
''')

TESTS = source('''
    import pytest

    from stockroom.inventory import Inventory


    def make_inventory():
        inventory = Inventory()
        inventory.add_item("W-1", "Blue widget", quantity=20, reorder_level=5)
        inventory.add_item("G-7", "Green gadget", quantity=2, reorder_level=4)
        return inventory


    def test_receive_and_ship():
        inventory = make_inventory()
        inventory.receive("W-1", 5)
        inventory.ship("W-1", 12)
        assert inventory.quantity("W-1") == 13


    def test_cannot_ship_more_than_stock():
        inventory = make_inventory()
        with pytest.raises(ValueError):
            inventory.ship("G-7", 3)


    def test_duplicate_sku_rejected():
        inventory = make_inventory()
        with pytest.raises(KeyError):
            inventory.add_item("W-1", "Another widget")


    def test_low_stock_needs_reorder():
        assert make_inventory().needs_reorder() == ["G-7"]
''')

DOMAIN = Domain(
    name="inventory",
    summary="stockroom: a tiny in-memory inventory with reorder alerts.",
    files={
        "stockroom/__init__.py": "",
        "stockroom/inventory.py": INVENTORY,
        "tests/test_inventory.py": TESTS,
    },
    bugs=(
        Bug(
            family="wrong_dict_key",
            path="stockroom/inventory.py",
            fixed='prices[item["sku"]]',
            buggy='prices[item["name"]]',
            test_path="tests/test_inventory.py",
            tests=source('''
                def test_stock_value_uses_prices_per_sku():
                    inventory = make_inventory()
                    assert inventory.stock_value({"W-1": 2.5, "G-7": 10.0}) == 70.0
            '''),
            statement=source('''
                KeyError from stock_value() although every SKU has a price

                ```python
                inventory = Inventory()
                inventory.add_item("W-1", "Blue widget", quantity=20)
                inventory.stock_value({"W-1": 2.5})
                ```

                ```
                Traceback (most recent call last):
                  File "report.py", line 14, in <module>
                    total = inventory.stock_value(prices)
                  File "stockroom/inventory.py", line <<line:stockroom/inventory.py:prices[item["name"]]>>, in stock_value
                    return sum(item["quantity"] * prices[item["name"]] for item in self._items.values())
                  File "stockroom/inventory.py", line <<line:stockroom/inventory.py:prices[item["name"]]>>, in <genexpr>
                    return sum(item["quantity"] * prices[item["name"]] for item in self._items.values())
                KeyError: 'Blue widget'
                ```

                The price list is keyed by SKU, as the docstring says, so I expected 50.0.
            '''),
        ),
        Bug(
            family="comparison_operator",
            path="stockroom/inventory.py",
            fixed='item["quantity"] <= item["reorder_level"]',
            buggy='item["quantity"] < item["reorder_level"]',
            test_path="tests/test_inventory.py",
            tests=source('''
                def test_item_at_reorder_level_needs_reorder():
                    inventory = make_inventory()
                    inventory.ship("W-1", 15)
                    assert inventory.needs_reorder() == ["G-7", "W-1"]
            '''),
            statement=source('''
                Reorder alert comes one item too late

                Our reorder level for blue widgets is 5. After shipping 15 of 20 we have
                exactly 5 left, but `needs_reorder()` doesn't list W-1 until another one
                ships. The docstring says items at *or below* the reorder level need a
                reorder, and that's how our purchasing team understands the setting.
            '''),
        ),
    ),
)
