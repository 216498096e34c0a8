"""A Redis lock store whose every change to a lock is atomic, for several Rasa servers (scaling).

Rasa 3.6's ``RedisLockStore`` reads a conversation's lock, changes it and writes it back in separate
commands. Two servers that receive a message for the same conversation at the same moment can then
both take the first ticket and process both turns at once, and one turn's events overwrite the other's
(seen in tests/test_scale.py). Here each change runs in a Redis transaction (WATCH / MULTI / EXEC) and is
retried if the lock changed meanwhile. endpoints.scale.yml names this class as the lock store type.
"""

from __future__ import annotations

import json
from typing import Callable, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
Change = Callable[[TicketLock | None], Tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic read-modify-write of each conversation's ticket lock."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _update(self, conversation_id: str, change: Change) -> T:
        """Applies ``change`` to the stored lock atomically; a lock changed to None is deleted."""
        import redis

        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed the lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._update(conversation_id, take)

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._update(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def remove(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._update(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def remove_and_drop_if_idle(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._update(conversation_id, remove_and_drop_if_idle)
