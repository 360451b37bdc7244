"""The words of sign-in through the identity provider (:mod:`caseflow.web.oidc`):
key: (Danish, English), merged into :data:`caseflow.web.i18n.TEXTS`."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "oidc_not_configured": (
        "Log ind med identitetsudbyder er ikke sat op her. Log ind med brugernavn og adgangskode.",
        "Sign-in through an identity provider is not set up here. Sign in with your "
        "username and password.",
    ),
    "oidc_unavailable": (
        "Identitetsudbyderen ({issuer}) kan ikke nås lige nu. Prøv igen om lidt, eller log "
        "ind med brugernavn og adgangskode.",
        "The identity provider ({issuer}) cannot be reached just now. Try again in a "
        "little while, or sign in with your username and password.",
    ),
    "oidc_denied": (
        "Identitetsudbyderen gav ikke adgang, så du er ikke logget ind.",
        "The identity provider did not let you in, so you are not signed in.",
    ),
    "oidc_provider_error": (
        "Identitetsudbyderen afbrød login ({error}). Prøv igen, eller kontakt en administrator.",
        "The identity provider stopped the sign-in ({error}). Try again, or ask an administrator.",
    ),
    "oidc_state": (
        "Login kunne ikke gennemføres: svaret fra identitetsudbyderen hører ikke til et "
        "login, der er startet i denne browser, eller det er udløbet. Start forfra.",
        "The sign-in could not be completed: the identity provider's answer does not "
        "belong to a sign-in started in this browser, or it has expired. Start again.",
    ),
    "oidc_token": (
        "Identitetsudbyderens svar kunne ikke godkendes, så du er ikke logget ind. Prøv "
        "igen, eller kontakt en administrator.",
        "The identity provider's answer could not be verified, so you are not signed in. "
        "Try again, or ask an administrator.",
    ),
    "oidc_no_username": (
        "Identitetsudbyderen sendte intet brugernavn (feltet {claim}), så du er ikke logget "
        "ind. Bed en administrator om at rette opsætningen.",
        "The identity provider sent no username (the claim {claim}), so you are not "
        "signed in. Ask an administrator to fix the setup.",
    ),
    "oidc_unknown_user": (
        "{username} er ikke en aktiv bruger i caseflow, så du er ikke logget ind. Bed en "
        "administrator om adgang.",
        "{username} is not an active caseflow user, so you are not signed in. Ask an "
        "administrator for access.",
    ),
}
