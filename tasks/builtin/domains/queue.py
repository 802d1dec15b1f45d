from model import Bug, Domain, source

BOUNDED = source('''
    """A first-in first-out queue with a fixed capacity."""
    from collections import deque


    class QueueFull(Exception):
        pass


    class BoundedQueue:
        def __init__(self, capacity):
            if capacity < 1:
                raise ValueError("capacity must be at least 1")
            self.capacity = capacity
            self._items = deque()

        def __len__(self):
            return len(self._items)

        def push(self, item):
            if len(self._items) >= self.capacity:
                raise QueueFull(f"queue is full ({self.capacity} items)")
            self._items.append(item)

        def offer(self, item):
            """Push `item` if there is room; True when the item was queued."""
            try:
                self.push(item)
            except QueueFull:
                return False
            return True

        def pop(self):
            if not self._items:
                raise IndexError("pop from an empty queue")
            return self._items.popleft()

        def remove_where(self, predicate):
            """Drop every queued item for which `predicate` is true; return how many went."""
            kept = deque()
            removed = 0
            for item in self._items:
                if predicate(item):
                    removed += 1
                    continue
                kept.append(item)
            self._items = kept
            return removed
''')

TESTS = source('''
    import pytest

    from workqueue.bounded import BoundedQueue, QueueFull


    def filled(*items, capacity=10):
        queue = BoundedQueue(capacity)
        for item in items:
            queue.push(item)
        return queue


    def test_fifo_order():
        queue = filled("a", "b", "c")
        assert [queue.pop(), queue.pop(), queue.pop()] == ["a", "b", "c"]


    def test_push_beyond_capacity():
        queue = filled(1, 2, capacity=2)
        with pytest.raises(QueueFull):
            queue.push(3)


    def test_offer_to_full_queue_is_refused():
        queue = filled(1, capacity=1)
        assert queue.offer(2) is False
        assert len(queue) == 1


    def test_offer_with_room():
        assert filled(capacity=3).offer("x") is True


    def test_pop_empty():
        with pytest.raises(IndexError):
            BoundedQueue(1).pop()


    def test_remove_where_nothing_matches():
        queue = filled(1, 3, 5)
        assert queue.remove_where(lambda item: item > 10) == 0
        assert len(queue) == 3
''')

DOMAIN = Domain(
    name="queue",
    summary="workqueue: a bounded FIFO queue for handing jobs between components.",
    files={
        "workqueue/__init__.py": "",
        "workqueue/bounded.py": BOUNDED,
        "tests/test_bounded.py": TESTS,
    },
    bugs=(
        Bug(
            family="early_loop_exit",
            path="workqueue/bounded.py",
            fixed="                removed += 1\n                continue\n",
            buggy="                removed += 1\n                break\n",
            test_path="tests/test_bounded.py",
            tests=source('''
                def test_remove_where_keeps_the_rest_in_order():
                    queue = filled(1, 2, 3, 4, 5, 6)
                    assert queue.remove_where(lambda item: item % 2 == 0) == 3
                    assert [queue.pop() for _ in range(len(queue))] == [1, 3, 5]


                def test_remove_where_first_item():
                    queue = filled("stale", "fresh", "fresh")
                    assert queue.remove_where(lambda item: item == "stale") == 1
                    assert len(queue) == 2
            '''),
            statement=source('''
                Jobs vanish from the queue after remove_where()

                We use `remove_where` to cancel jobs of a user who logged out. Jobs of other
                users that were queued *behind* the first cancelled job disappear as well.

                Repro:

                ```python
                q = BoundedQueue(10)
                for n in range(1, 7):
                    q.push(n)
                q.remove_where(lambda n: n % 2 == 0)   # returns 1, expected 3
                len(q)                                 # 1, expected 3 (items 1, 3, 5)
                ```
            '''),
        ),
        Bug(
            family="wrong_return_value",
            path="workqueue/bounded.py",
            fixed="            return False\n        return True\n",
            buggy="            return False\n        return len(self._items) < self.capacity\n",
            test_path="tests/test_bounded.py",
            tests=source('''
                def test_offer_that_fills_the_queue_reports_success():
                    queue = BoundedQueue(2)
                    assert queue.offer("a") is True
                    assert queue.offer("b") is True
                    assert len(queue) == 2
            '''),
            statement=source('''
                offer() says an item was rejected, but it was queued

                Our producer retries when `offer()` returns False. With capacity 2:

                ```
                >>> q = BoundedQueue(2)
                >>> q.offer("a")
                True
                >>> q.offer("b")
                False
                >>> len(q)
                2
                ```

                "b" is in the queue, so the retry then pushes a duplicate (or hits a full
                queue). The second offer should report True.
            '''),
        ),
    ),
)
