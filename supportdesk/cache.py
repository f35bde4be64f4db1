"""A Redis cache that a Redis outage cannot take down with it.

The cache only ever saves work (page fragments, counters for sign-in
throttling), so while Redis is away every read is a miss and every write is
dropped, and the pages go on answering from the database.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")


class ForgivingRedisCache(RedisCache):
    def _miss(self, operation: str, exc: Exception, fallback: T) -> T:
        log.warning("Cache unavailable during %s; carrying on without it: %s", operation, exc)
        return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            return self._miss("get", exc, default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            return self._miss("get_many", exc, {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            return self._miss("has_key", exc, False)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            return self._miss("add", exc, False)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._miss("set", exc, None)

    def set_many(self, data: dict[Any, Any], timeout: Any = None, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            return self._miss("set_many", exc, list(data))

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            return self._miss("touch", exc, False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            return self._miss("incr", exc, delta)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as exc:
            return self._miss("delete", exc, False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            self._miss("delete_many", exc, None)

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as exc:
            self._miss("clear", exc, None)
