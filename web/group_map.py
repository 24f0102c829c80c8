"""`JHA_GROUP_MAP`: groups (or roles) of an identity provider to roles and collections here.

>>> grants = GroupMap.parse("ASD-Team=collection:asd;Jugendamt-Leitung=role:leitung,collection:asd")
>>> sorted(grants.grants(["Jugendamt-Leitung", "Kantine"]).collections)
['asd']

Granted collections are stored with the account (`web_user_collections`, as `python -m web users
collections` does) and hold inside retrieval (`web.permissions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from web.accounts import Role

_COLLECTION = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # as `knowledge.collections.collection_name`


@dataclass(frozen=True)
class Grants:
    roles: frozenset[Role] = frozenset()
    collections: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GroupMap:
    entries: dict[str, Grants] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> GroupMap:
        """`GROUP=role:NAME,collection:NAME;…`; a malformed entry raises ValueError with a German reason."""
        entries: dict[str, Grants] = {}
        for item in text.split(";"):
            if not item.strip():
                continue
            group, sep, targets = item.partition("=")
            group = group.strip()
            if not sep or not group or not targets.strip():
                raise ValueError(f"JHA_GROUP_MAP: {item.strip()!r} hat nicht die Form GRUPPE=role:NAME.")
            roles, collections = (
                set(entries.get(group, Grants()).roles),
                set(entries.get(group, Grants()).collections),
            )
            for target in targets.split(","):
                kind, _, name = target.strip().partition(":")
                name = name.strip().lower()
                if kind == "role" and name in {r.value for r in Role}:
                    roles.add(Role(name))
                elif kind == "collection" and _COLLECTION.fullmatch(name):
                    collections.add(name)
                else:
                    raise ValueError(
                        f"JHA_GROUP_MAP: {target.strip()!r} bei {group!r} ist weder role:fachkraft|leitung|"
                        "maintainer noch collection:NAME (Kleinbuchstaben, Ziffern und -)."
                    )
            entries[group] = Grants(frozenset(roles), frozenset(collections))
        return cls(entries)

    def grants(self, values: Iterable[str]) -> Grants:
        """What the provider's values grant: mapped entries, and values that name a role directly."""
        roles: set[Role] = set()
        collections: set[str] = set()
        for value in values:
            # Keycloak sends full group paths ("/ASD-Team") when its mapper is set to do so.
            for key in {value, value.lstrip("/")}:
                granted = self.entries.get(key)
                if granted is not None:
                    roles |= granted.roles
                    collections |= granted.collections
            if value.lower() in {r.value for r in Role}:
                roles.add(Role(value.lower()))
        return Grants(frozenset(roles), frozenset(collections))
