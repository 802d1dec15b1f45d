from model import Bug, Domain, source

LRU = source('''
    """A least-recently-used cache that counts its hits and misses."""
    from collections import OrderedDict


    class LRUCache:
        def __init__(self, capacity):
            if capacity < 1:
                raise ValueError("capacity must be at least 1")
            self.capacity = capacity
            self._data = OrderedDict()
            self.hits = 0
            self.misses = 0

        def __len__(self):
            return len(self._data)

        def __contains__(self, key):
            return key in self._data

        def get(self, key, default=None):
            """The cached value, or `default` when `key` is not cached."""
            if key not in self._data:
                self.misses += 1
                return default
            self.hits += 1
            self._data.move_to_end(key)
            return self._data[key]

        def put(self, key, value):
            if key in self._data:
                self._data.move_to_end(key)
            self._data[key] = value
            if len(self._data) > self.capacity:
                self._data.popitem(last=False)

        def hit_rate(self):
            """Share of lookups answered from the cache, 0.0 before the first lookup."""
            lookups = self.hits + self.misses
            return self.hits / lookups if lookups else 0.0
''')

DECORATOR = source('''
    """Memoize a function of hashable positional arguments in an LRUCache."""
    import functools

    from memo.lru import LRUCache

    _MISSING = object()


    def memoize(capacity=128):
        def decorate(function):
            cache = LRUCache(capacity)

            @functools.wraps(function)
            def wrapper(*args):
                result = cache.get(args, _MISSING)
                if result is _MISSING:
                    result = function(*args)
                    cache.put(args, result)
                return result

            wrapper.cache = cache
            return wrapper

        return decorate
''')

TESTS_LRU = source('''
    from memo.lru import LRUCache


    def test_get_cached_value():
        cache = LRUCache(2)
        cache.put("a", 1)
        assert cache.get("a") == 1


    def test_least_recently_used_is_evicted():
        cache = LRUCache(2)
        cache.put("a", 1)
        cache.put("b", 2)
        cache.get("a")
        cache.put("c", 3)
        assert "b" not in cache and "a" in cache and len(cache) == 2


    def test_missing_key_gives_none():
        assert LRUCache(1).get("nope") is None


    def test_hit_rate_before_lookups():
        assert LRUCache(1).hit_rate() == 0.0
''')

TESTS_DECORATOR = source('''
    from memo.decorator import memoize
    from memo.lru import LRUCache


    def test_wrapper_keeps_name_and_docstring():
        @memoize()
        def square(n):
            """n squared"""
            return n * n

        assert (square.__name__, square.__doc__) == ("square", "n squared")


    def test_wrapper_exposes_its_cache():
        @memoize(capacity=7)
        def square(n):
            return n * n

        assert isinstance(square.cache, LRUCache)
        assert square.cache.capacity == 7
''')

DOMAIN = Domain(
    name="cache",
    summary="memo: an LRU cache with hit statistics and a memoize decorator.",
    files={
        "memo/__init__.py": "",
        "memo/lru.py": LRU,
        "memo/decorator.py": DECORATOR,
        "tests/test_lru.py": TESTS_LRU,
        "tests/test_decorator.py": TESTS_DECORATOR,
    },
    bugs=(
        Bug(
            family="wrong_return_value",
            path="memo/lru.py",
            fixed="            self.misses += 1\n            return default\n",
            buggy="            self.misses += 1\n            return None\n",
            test_path="tests/test_decorator.py",
            tests=source('''
                def test_memoized_function_returns_its_result():
                    @memoize(capacity=4)
                    def double(n):
                        return 2 * n

                    assert double(21) == 42
                    assert double(21) == 42
                    assert double.cache.hits == 1


                def test_lru_get_default():
                    assert LRUCache(1).get("missing", "fallback") == "fallback"
            '''),
            statement=source('''
                @memoize functions return None the first time they're called

                ```python
                @memoize()
                def load_user(user_id):
                    return db.fetch(user_id)

                load_user(7)   # None
                load_user(7)   # None again, and db.fetch is called every time
                ```

                Without the decorator `load_user(7)` returns the user. Also,
                `LRUCache(1).get("missing", "fallback")` returns None rather than
                "fallback", which I suspect is related.
            '''),
        ),
        Bug(
            family="wrong_variable",
            path="memo/lru.py",
            fixed="return self.hits / lookups if lookups else 0.0",
            buggy="return self.misses / lookups if lookups else 0.0",
            test_path="tests/test_lru.py",
            tests=source('''
                def test_hit_rate():
                    cache = LRUCache(4)
                    cache.put("a", 1)
                    for key in ["a", "a", "a", "b"]:
                        cache.get(key)
                    assert cache.hit_rate() == 0.75
            '''),
            statement=source('''
                Cache dashboard shows a 25% hit rate where it should be 75%

                Our metrics exporter reports `cache.hit_rate()`. In a quick experiment with
                three hits and one miss (checked via `cache.hits` and `cache.misses`, which
                are 3 and 1), `hit_rate()` returns 0.25. The more the cache helps, the worse
                the number looks.
            '''),
        ),
    ),
)
