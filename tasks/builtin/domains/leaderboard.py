from model import Bug, Domain, source

BOARD = source('''
    """A game leaderboard: each player's best score, ranked highest first."""


    class Leaderboard:
        def __init__(self):
            self._best = {}

        def submit(self, player, score):
            """Record a score; only a player's best score counts."""
            if score > self._best.get(player, float("-inf")):
                self._best[player] = score

        def ranking(self):
            """(player, score) pairs, best score first; equal scores in alphabetical order."""
            return sorted(self._best.items(), key=lambda item: (-item[1], item[0]))

        def top(self, count=3):
            """The first `count` entries of the ranking (the podium by default)."""
            return self.ranking()[:count]

        def rank_of(self, player):
            """1-based position of `player` in the ranking."""
            for position, (name, _) in enumerate(self.ranking(), start=1):
                if name == player:
                    return position
            raise KeyError(player)
''')

TESTS = source('''
    import pytest

    from leaderboard.board import Leaderboard


    def board_with(scores):
        board = Leaderboard()
        for player, score in scores:
            board.submit(player, score)
        return board


    def test_only_best_score_counts():
        board = board_with([("ana", 50), ("ana", 80), ("ana", 60)])
        assert board.ranking() == [("ana", 80)]


    def test_ranking_highest_first():
        board = board_with([("ana", 50), ("ben", 90), ("cy", 70)])
        assert board.ranking() == [("ben", 90), ("cy", 70), ("ana", 50)]


    def test_rank_of():
        board = board_with([("ana", 50), ("ben", 90)])
        assert board.rank_of("ana") == 2


    def test_rank_of_unknown_player():
        with pytest.raises(KeyError):
            Leaderboard().rank_of("zed")


    def test_top_with_count():
        board = board_with([("ana", 50), ("ben", 90), ("cy", 70)])
        assert board.top(1) == [("ben", 90)]
''')

DOMAIN = Domain(
    name="leaderboard",
    summary="leaderboard: best-score-per-player rankings for small games.",
    files={
        "leaderboard/__init__.py": "",
        "leaderboard/board.py": BOARD,
        "tests/test_board.py": TESTS,
    },
    bugs=(
        Bug(
            family="wrong_sort_order",
            path="leaderboard/board.py",
            fixed="return sorted(self._best.items(), key=lambda item: (-item[1], item[0]))",
            buggy="return sorted(self._best.items(), key=lambda item: (item[1], item[0]), reverse=True)",
            test_path="tests/test_board.py",
            tests=source('''
                def test_ties_are_alphabetical():
                    board = board_with([("cy", 70), ("ana", 70), ("ben", 90)])
                    assert board.ranking() == [("ben", 90), ("ana", 70), ("cy", 70)]


                def test_rank_of_tied_player():
                    board = board_with([("zoe", 10), ("amy", 10)])
                    assert board.rank_of("amy") == 1
            '''),
            statement=source('''
                Tied players are listed in reverse alphabetical order

                Two players with the same score: the docs say ties are alphabetical, but
                "zoe" is ranked above "amy":

                ```
                >>> board.ranking()
                [('ben', 90), ('zoe', 70), ('amy', 70)]
                ```

                Scores themselves are in the right order.
            '''),
        ),
        Bug(
            family="wrong_default_argument",
            path="leaderboard/board.py",
            fixed="def top(self, count=3):",
            buggy="def top(self, count=10):",
            test_path="tests/test_board.py",
            tests=source('''
                def test_top_defaults_to_the_podium():
                    board = board_with([(name, score) for score, name in enumerate("abcdef")])
                    assert board.top() == [("f", 5), ("e", 4), ("d", 3)]
            '''),
            statement=source('''
                top() without arguments returns way more than three players

                The podium widget on our game's start page calls `board.top()` and expects
                the podium, as documented. Since we passed about ten players it shows ten
                rows and the layout breaks. `top(3)` works.
            '''),
        ),
    ),
)
