from model import Bug, Domain, source

BUCKET = source('''
    """Token-bucket rate limiting with an injectable clock (tests need no sleeping)."""
    import time


    class TokenBucket:
        """Allows `rate` actions per second on average, in bursts of up to `capacity`."""

        def __init__(self, rate, capacity, clock=time.monotonic):
            if rate <= 0 or capacity <= 0:
                raise ValueError("rate and capacity must be positive")
            self.rate = rate
            self.capacity = capacity
            self.clock = clock
            self.tokens = capacity
            self.updated = clock()

        @classmethod
        def per_minute(cls, count, clock=time.monotonic):
            """A bucket allowing `count` actions per minute, all of them at once if need be."""
            return cls(rate=count / 60, capacity=count, clock=clock)

        def _refill(self):
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

        def allow(self, cost=1):
            """Take `cost` tokens if there are enough; True when the action may go ahead."""
            self._refill()
            if self.tokens < cost:
                return False
            self.tokens -= cost
            return True

        def wait_time(self, cost=1):
            """Seconds until `cost` tokens will be available (0.0 when they already are)."""
            self._refill()
            return max(0.0, (cost - self.tokens) / self.rate)
''')

WINDOW = source('''
    """Fixed-window limiter: at most `limit` hits per key in each window of `window` seconds."""
    import time


    class FixedWindowLimiter:
        def __init__(self, limit, window=60.0, clock=time.monotonic):
            self.limit = limit
            self.window = window
            self.clock = clock
            self._windows = {}  # key -> (window start, hits in that window)

        def hit(self, key):
            """Count a hit for `key`; False when the key is over its limit."""
            now = self.clock()
            start, hits = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, hits = now, 0
            if hits >= self.limit:
                return False
            self._windows[key] = (start, hits + 1)
            return True
''')

TESTS_BUCKET = source('''
    import pytest

    from throttle.bucket import TokenBucket


    class FakeClock:
        def __init__(self):
            self.now = 100.0

        def __call__(self):
            return self.now


    def test_burst_up_to_capacity():
        bucket = TokenBucket(rate=1, capacity=3, clock=FakeClock())
        assert [bucket.allow() for _ in range(4)] == [True, True, True, False]


    def test_refill_over_time():
        clock = FakeClock()
        bucket = TokenBucket(rate=2, capacity=2, clock=clock)
        bucket.allow(2)
        clock.now += 0.5
        assert bucket.allow()
        assert not bucket.allow()


    def test_wait_time():
        bucket = TokenBucket(rate=4, capacity=1, clock=FakeClock())
        bucket.allow()
        assert bucket.wait_time() == 0.25


    def test_rejects_non_positive_rate():
        with pytest.raises(ValueError):
            TokenBucket(rate=0, capacity=1)
''')

TESTS_WINDOW = source('''
    from throttle.window import FixedWindowLimiter


    def test_first_hit_is_allowed():
        limiter = FixedWindowLimiter(limit=2, clock=lambda: 0.0)
        assert limiter.hit("10.0.0.1")
''')

DOMAIN = Domain(
    name="ratelimit",
    summary="throttle: token-bucket and fixed-window rate limiters with injectable clocks.",
    files={
        "throttle/__init__.py": "",
        "throttle/bucket.py": BUCKET,
        "throttle/window.py": WINDOW,
        "tests/test_bucket.py": TESTS_BUCKET,
        "tests/test_window.py": TESTS_WINDOW,
    },
    bugs=(
        Bug(
            family="wrong_constant",
            path="throttle/bucket.py",
            fixed="return cls(rate=count / 60, capacity=count, clock=clock)",
            buggy="return cls(rate=count / 3600, capacity=count, clock=clock)",
            test_path="tests/test_bucket.py",
            tests=source('''
                def test_per_minute_refills_one_token_per_interval():
                    clock = FakeClock()
                    bucket = TokenBucket.per_minute(30, clock=clock)
                    assert bucket.allow(30)
                    clock.now += 2
                    assert bucket.allow()


                def test_per_minute_wait_time():
                    bucket = TokenBucket.per_minute(60, clock=FakeClock())
                    bucket.allow(60)
                    assert bucket.wait_time() == pytest.approx(1.0)
            '''),
            statement=source('''
                per_minute() limiter recovers far too slowly

                We limit API clients with `TokenBucket.per_minute(60)`. After a client uses
                its burst of 60, it should get one request per second back. Instead
                `wait_time()` says 60 seconds, and clients stay blocked for about an hour
                before they're back to full capacity. Creating the bucket by hand with
                `TokenBucket(rate=1, capacity=60)` behaves as expected.
            '''),
        ),
        Bug(
            family="inverted_condition",
            path="throttle/window.py",
            fixed="if now - start >= self.window:",
            buggy="if now - start < self.window:",
            test_path="tests/test_window.py",
            tests=source('''
                class FakeClock:
                    def __init__(self):
                        self.now = 0.0

                    def __call__(self):
                        return self.now


                def test_limit_applies_within_a_window():
                    limiter = FixedWindowLimiter(limit=3, window=60, clock=FakeClock())
                    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]


                def test_new_window_resets_the_count():
                    clock = FakeClock()
                    limiter = FixedWindowLimiter(limit=1, window=60, clock=clock)
                    assert limiter.hit("a")
                    clock.now = 61
                    assert limiter.hit("a")
            '''),
            statement=source('''
                FixedWindowLimiter never limits anything

                I set up `FixedWindowLimiter(limit=3, window=60)` for the login endpoint and
                hammered it from one IP: every single hit returned True, hundreds per
                second. Meanwhile, in a test where I wait for the window to pass, the key got
                blocked *after* the window expired. It looks like the limiter behaves the
                opposite way around depending on whether we are inside the window.
            '''),
        ),
    ),
)
