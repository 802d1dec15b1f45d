from model import Bug, Domain, source

ACCOUNT = source('''
    """Accounts as lists of (description, amount in cents) entries."""


    class Account:
        def __init__(self, owner, opening_balance=0):
            self.owner = owner
            self.entries = [("opening balance", opening_balance)]

        @property
        def balance(self):
            return sum(amount for _, amount in self.entries)

        def deposit(self, amount, description="deposit"):
            if amount <= 0:
                raise ValueError("deposit must be positive")
            self.entries.append((description, amount))

        def withdraw(self, amount, description="withdrawal"):
            if amount <= 0:
                raise ValueError("withdrawal must be positive")
            if amount > self.balance:
                raise ValueError("insufficient funds")
            self.entries.append((description, -amount))


    def transfer(source, target, amount):
        """Move `amount` cents from `source` to `target`."""
        source.withdraw(amount, f"transfer to {target.owner}")
        target.deposit(amount, f"transfer from {source.owner}")
''')

STATEMENT = source('''
    """Printable account statements."""


    def with_running_balance(entries):
        """[(description, amount)] -> [(description, amount, balance after the entry)]"""
        rows = []
        balance = 0
        for description, amount in entries:
            balance += amount
            rows.append((description, amount, balance))
        return rows


    def monthly_statement(entries, fee=0):
        """Statement rows for `entries`, plus an "account fee" row when `fee` is set."""
        lines = list(entries)
        if fee:
            lines.append(("account fee", -fee))
        return with_running_balance(lines)


    def render(rows):
        lines = [f"{description:<24}{amount:>10}{balance:>10}" for description, amount, balance in rows]
        return "\\n".join(lines)
''')

TESTS_ACCOUNT = source('''
    import pytest

    from ledger.account import Account, transfer


    def test_deposit_and_withdraw():
        account = Account("ana", opening_balance=1000)
        account.deposit(250)
        account.withdraw(400)
        assert account.balance == 850


    def test_overdraft_refused():
        with pytest.raises(ValueError):
            Account("ana", 100).withdraw(101)


    def test_transfer_without_funds_changes_nothing():
        ana, ben = Account("ana", 50), Account("ben", 0)
        with pytest.raises(ValueError):
            transfer(ana, ben, 80)
        assert (ana.balance, ben.balance) == (50, 0)
''')

TESTS_STATEMENT = source('''
    from ledger.statement import monthly_statement, render, with_running_balance


    def test_running_balance():
        rows = with_running_balance([("opening balance", 100), ("rent", -60), ("salary", 500)])
        assert [balance for _, _, balance in rows] == [100, 40, 540]


    def test_statement_with_fee():
        rows = monthly_statement([("opening balance", 100)], fee=5)
        assert rows[-1] == ("account fee", -5, 95)


    def test_render_has_a_line_per_row():
        assert len(render(monthly_statement([("a", 1), ("b", 2)])).splitlines()) == 2
''')

DOMAIN = Domain(
    name="ledger",
    summary="ledger: bank-style accounts, transfers and monthly statements, amounts in cents.",
    files={
        "ledger/__init__.py": "",
        "ledger/account.py": ACCOUNT,
        "ledger/statement.py": STATEMENT,
        "tests/test_account.py": TESTS_ACCOUNT,
        "tests/test_statement.py": TESTS_STATEMENT,
    },
    bugs=(
        Bug(
            family="wrong_variable",
            path="ledger/account.py",
            fixed='    target.deposit(amount, f"transfer from {source.owner}")',
            buggy='    source.deposit(amount, f"transfer from {source.owner}")',
            test_path="tests/test_account.py",
            tests=source('''
                def test_transfer_moves_money():
                    ana, ben = Account("ana", 500), Account("ben", 100)
                    transfer(ana, ben, 200)
                    assert (ana.balance, ben.balance) == (300, 300)


                def test_transfer_is_recorded_on_the_target():
                    ana, ben = Account("ana", 500), Account("ben", 0)
                    transfer(ana, ben, 50)
                    assert ben.entries[-1] == ("transfer from ana", 50)
            '''),
            statement=source('''
                transfer() doesn't transfer anything

                After `transfer(ana, ben, 200)` both balances are exactly what they were
                before. Looking at the entries, ana's account gets a "transfer to ben"
                withdrawal and then a "transfer from ana" deposit right after it, and ben's
                account has no new entry at all.
            '''),
        ),
        Bug(
            family="input_mutation",
            path="ledger/statement.py",
            fixed="    lines = list(entries)\n",
            buggy="    lines = entries\n",
            test_path="tests/test_statement.py",
            tests=source('''
                def test_statement_does_not_change_the_entries():
                    entries = [("opening balance", 100)]
                    monthly_statement(entries, fee=5)
                    assert entries == [("opening balance", 100)]


                def test_fee_is_charged_once_per_statement():
                    entries = [("opening balance", 100)]
                    monthly_statement(entries, fee=5)
                    rows = monthly_statement(entries, fee=5)
                    assert rows[-1] == ("account fee", -5, 95)
            '''),
            statement=source('''
                Printing a statement charges the account fee again

                We print statements with `monthly_statement(account.entries, fee=5)`. Every
                time a customer re-prints their statement, another "account fee" line is
                added to the account itself, so the balance drops by 5 each time. Printing
                should not change the account.
            '''),
        ),
    ),
)
