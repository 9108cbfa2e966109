"""Replies kept for the life of a server: identical requests answered once, moments never kept."""

from __future__ import annotations

from dataclasses import dataclass

from clusterkg.server.reply_cache import ReplyCache
from clusterkg.server.tasks import Reply, Served


@dataclass(frozen=True)
class Named:
    """A task identified by its name (what a real task's fields are to the cache)."""

    name: str

    def run(self, served: Served) -> Reply:
        raise AssertionError("the cache never runs a task")


@dataclass
class Unhashable:
    values: list[str]

    def run(self, served: Served) -> Reply:
        raise AssertionError("the cache never runs a task")


def test_an_identical_task_gets_the_kept_reply() -> None:
    cache = ReplyCache()
    reply = Reply(200, "text/plain", b"FETEK")
    cache.keep(Named("fetek"), reply)
    assert cache.get(Named("fetek")) is reply
    assert cache.get(Named("litek")) is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_timeouts_busy_and_faults_are_never_kept() -> None:
    cache = ReplyCache()
    for status in (500, 503):
        cache.keep(Named(str(status)), Reply(status, "text/plain", b"later, maybe"))
        assert cache.get(Named(str(status))) is None
    cache.keep(Named("bad"), Reply(400, "text/plain", b"ambiguous"))
    assert cache.get(Named("bad")) is not None  # wrong in itself, whenever it is asked


def test_the_least_recently_used_go_first_past_the_size() -> None:
    cache = ReplyCache(max_bytes=100)
    for name in "abcd":
        cache.keep(Named(name), Reply(200, "text/plain", b"x" * 9))
    assert cache.get(Named("a")) is not None  # a is now the most recently used
    for name in "efghijklmn":  # 14 replies of 9 bytes: the three least recently used go
        cache.keep(Named(name), Reply(200, "text/plain", b"x" * 9))
    assert [cache.get(Named(name)) is not None for name in "abcd"] == [True, False, False, False]
    assert cache.get(Named("n")) is not None


def test_a_big_reply_or_an_unhashable_task_is_not_kept() -> None:
    cache = ReplyCache(max_bytes=100)
    cache.keep(Named("big"), Reply(200, "text/plain", b"x" * 11))
    assert cache.get(Named("big")) is None
    cache.keep(Unhashable(["a"]), Reply(200, "text/plain", b"small"))  # type: ignore[arg-type]
    assert cache.get(Unhashable(["a"])) is None  # type: ignore[arg-type]
