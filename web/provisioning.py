"""Accounts for people an identity provider vouches for (OIDC or the proxy's headers).

OIDC accounts belong to the provider's stable (issuer, subject), bound at the first sign-in: a renamed
person keeps her account (under the name it was created with); a name bound to someone else is refused.
The provider's groups decide roles and collections when they map to any role (JHA_GROUP_MAP); otherwise a
local account of the same name keeps the roles an administrator gave it; otherwise there is no access.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from web.accounts import AccountError, AccountStore, User
from web.group_map import Grants


class NoAccess(AccountError):
    """The provider signed the person in, but nothing here grants them a role."""


def provision(accounts: AccountStore, username: str, grants: Grants, *, allow_password: bool) -> User:
    """The account for `username` with the granted roles and collections, created SSO-only if missing.

    `allow_password=False` refuses local accounts that have a password: a provider's claim of the name
    "admin" must not take over the local administrator.
    """
    user = accounts.get(username)
    if user is not None and user.has_password and not allow_password:
        raise AccountError(
            f"Das Konto {username!r} ist ein lokales Konto mit Passwort und kann nicht über den "
            "Identitätsanbieter angemeldet werden. Bitte wenden Sie sich an die Administration."
        )
    if not grants.roles:
        if user is None or not user.roles:
            raise NoAccess(
                "Ihre Anmeldung war erfolgreich, aber Ihrem Konto ist keine Rolle im Jugendhilfe-Assistenten "
                "zugeordnet. Bitte wenden Sie sich an die Administration."
            )
        return user
    if user is None:
        try:
            user = accounts.add(username, grants.roles, password=None)
        except (AccountError, IntegrityError):  # a parallel request of the same person created it
            user = accounts.get(username)
            if user is None:
                raise
    if user.roles != grants.roles:
        accounts.set_roles(username, grants.roles)  # ends the account's sessions: the roles changed
        user = accounts.get(username)
        assert user is not None
    granted = user.collections if user.collections is not None else accounts.collections(username)
    if granted != grants.collections:
        accounts.set_collections(username, grants.collections)
    # The user as this request goes on: with the collections just granted, not those read before.
    return replace(user, collections=grants.collections)


def provision_identity(
    accounts: AccountStore, issuer: str, subject: str, username: str, grants: Grants
) -> User:
    """The account of the provider's person (issuer, subject): the one bound to her, else the account
    of the name she claims, which is bound to her now unless it already belongs to another person."""
    bound = accounts.bound_to(issuer, subject)
    if bound is not None:
        return provision(accounts, bound, grants, allow_password=False)
    if accounts.is_bound(username):
        raise AccountError(
            f"Der Name {username!r} gehört hier bereits zu einer anderen Person beim Identitätsanbieter. "
            "Bitte wenden Sie sich an die Administration."
        )
    user = provision(accounts, username, grants, allow_password=False)
    try:
        accounts.bind(user.username, issuer, subject)
    except IntegrityError:  # a parallel sign-in bound it: fine if it was this person
        if accounts.bound_to(issuer, subject) != user.username:
            raise AccountError(
                "Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es erneut."
            ) from None
    return user
