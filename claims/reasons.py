"""Why a check ended as it did, or a flag was raised: codes and parameters, said in the reader's language when shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Params = dict[str, str | int | float]

# Parameters holding an ISO date or date and time, said as a date in the reader's language.
DATE_PARAMS = frozenset({"date", "captured"})

# What each code says; %(name)s are its parameters. Addresses, host names and the system's own words about a
# network error (in `detail`) are parameters, shown as they are.
TEXTS = {
    # The fetch.
    "connect_timeout": _("%(host)s did not accept a connection in time."),
    "total_timeout": _("The page did not arrive within %(seconds)s seconds, the limit for one check."),
    "bad_compression": _("The server sent a compressed page that could not be decompressed."),
    "connect_failed": _("Could not connect to %(host)s: %(detail)s."),
    "connection_failed": _("The connection to %(host)s failed: %(detail)s."),
    "connection_refused": _("%(host)s refused the connection: no web server answers there."),
    "connection_reset": _("%(host)s cut the connection off."),
    "server_disconnected": _("%(host)s closed the connection without answering."),
    "host_unreachable": _("%(host)s cannot be reached from the checker's network."),
    "certificate_invalid": _("%(host)s presented a certificate that is not valid for it: the page was not read."),
    "tls_failed": _("The secure (https) connection to %(host)s could not be set up."),
    "checker_error": _("The check failed because of an unexpected error in the checker."),
    "invalid_address": _("%(url)s is not a valid web address."),
    "no_host": _("%(url)s has no host name."),
    "scheme_not_allowed": _("Only http and https addresses can be checked, not %(scheme)s: addresses."),
    "no_scheme": _("Only http and https addresses can be checked, not addresses without http:// or https://."),
    "port_not_allowed": _("Port %(port)s is not allowed; the checker only uses ports %(ports)s."),
    "address_not_public": _("%(host)s points to %(ip)s, which is %(why)s; the checker only visits public addresses."),
    "ip_not_public": _("%(ip)s is %(why)s; the checker only visits public addresses."),
    "name_not_found": _("The name %(host)s could not be found."),
    "no_address": _("The name %(host)s has no internet address."),
    "too_many_redirects": _("The page redirected more than %(count)s times; the checker stops there."),
    "redirect_loop": _("The page redirects in a loop (back to %(url)s)."),
    "redirect_invalid": _("The page redirected to %(url)s, not a valid address."),
    "redirect_scheme_not_allowed": _(
        "The page redirected to %(url)s. Only http and https addresses can be checked, not %(scheme)s: addresses."
    ),
    "redirect_no_host": _("The page redirected to %(url)s, which has no host name."),
    "restricted": _("The server answered %(status)s: the page is behind a login, a paywall or a refusal."),
    "rate_limited_for": _("The server answered %(status)s and asks to wait %(seconds)s seconds."),
    "rate_limited": _("The server answered %(status)s and did not say how long to wait."),
    "http_error": _("The server answered %(status)s."),
    "unsupported_type": _("The server sent %(type)s, which is not a web page, plain text or a PDF."),
    "unexpected_type": _("The server sent %(type)s instead of %(expected)s."),
    "no_content_type": _("The server sent no content type; the checker reads web pages, plain text and PDF."),
    "unsupported_coding": _("The server compressed the page as %(codings)s, which the checker does not accept."),
    "too_large": _("The page is larger than %(max_bytes)s bytes once decompressed; the checker stops reading there."),
    # The check, once the page is at hand.
    "kept_too_large": _("The page is there but larger than the desk keeps; its text was not captured."),
    "kept_too_complex": _("The page is there but has more markup than the checker reads; its text was not read."),
    "kept_unsupported": _("The page is there but is not text the desk can read."),
    "not_recorded": _(
        "The page was fetched but its check could not be recorded (%(problem)s); the checker will try again later."
    ),
    # The web archive (claims/sources/archive.py). `because` is the code of the fetch's own reason, said inside;
    # `date` and `captured` are ISO dates, shown in the reader's language.
    "archive_not_configured": _("No web archive is configured (FACTCHECK_ARCHIVE_URL is empty)."),
    "archive_unreachable": _("The web archive could not be asked: %(because)s"),
    "archive_bad_answer": _("The web archive answered something the desk cannot read (%(detail)s)."),
    "archive_no_capture": _("The web archive holds no copy of the page from before %(date)s."),
    "archive_capture_after": _(
        "The web archive's copy closest to %(date)s is of %(captured)s, after the page was cited: it does not show "
        "the page as cited."
    ),
    "archive_capture_error_page": _("The web archive's copy of %(captured)s is of an error page (HTTP %(status)s)."),
    "archive_capture_elsewhere": _(
        "The web archive pointed to %(url)s, which is not on the archive's own site; the desk did not follow it."
    ),
    "archive_capture_unread": _("The archived copy of %(captured)s could not be read: %(because)s"),
    "archive_capture_not_read": _("The archived copy of %(captured)s was fetched, but its text could not be read."),
    "archive_capture_read": _(
        "The archived copy of %(captured)s was read; the evidence quotes no passage to look for."
    ),
    "archive_holds_quote": _("The archived copy of %(captured)s still holds the quote."),
    "archive_lacks_quote": _("The archived copy of %(captured)s does not hold the quote either."),
    "archive_capture_later": _(
        "The web archive is asked for at most %(limit)s captures a minute; this one waits for the next minute."
    ),
    "archive_capture_refused": _("The web archive did not take the capture: %(because)s"),
    "archive_capture_failed": _("The web archive did not capture the page (%(detail)s)."),
    # Rows written before reasons were codes: their English sentence, as it was.
    "legacy": "%(text)s",
}

# Why a flag is raised, by its kind (claims.models.FlagKind); `details` may add parameters to come.
FLAG_REASONS = {
    "unproven": _(
        "No evidence that supports or refutes the claim, from a live page with its quote found, after the allowed time."
    ),
    "evidence_lost": _("A cited page is dead."),
    "quote_missing": _("A quoted passage is no longer on its page."),
    "source_changed": _("A cited page changed materially since it was cited."),
}

# Why an address is not public, for address_not_public and ip_not_public (`why`).
ADDRESS_KINDS = {
    "unspecified": _("the unspecified address"),
    "loopback": _("a loopback address (this machine)"),
    "ipv4_compatible": _("an IPv4-compatible IPv6 address, a deprecated form no public site uses"),
    "site_local": _("a site-local address"),
    "link_local": _("a link-local address"),
    "cgnat": _("a carrier-grade NAT address"),
    "multicast": _("a multicast address"),
    "private": _("a private network address"),
    "reserved": _("a reserved address"),
    "not_global": _("not a public address"),
}


@dataclass(frozen=True)
class Reason:
    """Why a check ended as it did, as the desk stores it: a code of TEXTS and its parameters."""

    code: str
    params: Params = field(default_factory=dict)

    def __str__(self) -> str:
        return reason_text(self.code, self.params)


def reason_text(code: str, params: Mapping[str, object]) -> str:
    """The reason in the active language; "" for no reason, the code itself for one this version does not know."""
    if not code:
        return ""
    template = TEXTS.get(code)
    if template is None:
        return code
    shown = {name: _shown(name, value) for name, value in params.items()}
    if "because" in params:
        # A reason inside a reason (the archive could not be asked because its host refused the connection): said
        # with the same parameters, in the same language.
        inner = {name: value for name, value in params.items() if name != "because"}
        shown["because"] = reason_text(str(params["because"]), inner)
    if "why" in params:
        shown["why"] = address_kind_text(str(params["why"]), str(params.get("embedded", "")))
    try:
        return str(template) % shown
    except (KeyError, TypeError, ValueError):
        # A parameter missing from an old row: the sentence without its blanks filled is still better than nothing.
        return gettext(str(template))


def flag_reason_text(kind: str, details: Mapping[str, object]) -> str:
    """Why a flag of this kind is raised, in the active language; and what a web archive's copy of the page holds,
    when it was looked up (claims.sources.recovery)."""
    template = FLAG_REASONS.get(kind)
    text = str(template or kind)
    archived = details.get("archive")
    if isinstance(archived, Mapping):
        params = archived.get("params")
        text = f"{text} {reason_text(str(archived.get('code', '')), params if isinstance(params, Mapping) else {})}"
    return text


def address_kind_text(kind: str, embedded: str = "") -> str:
    """Why an address is not public, in the active language: "a private network address", and where it hides."""
    why = str(ADDRESS_KINDS.get(kind, kind))
    if embedded:
        return gettext("%(why)s, hidden as %(embedded)s inside an IPv6 address") % {"why": why, "embedded": embedded}
    return why


def _shown(name: str, value: object) -> object:
    if name in DATE_PARAMS and isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(when):
            when = timezone.localtime(when)
        return date_format(when, "DATE_FORMAT")
    if isinstance(value, int | float) and name in ("max_bytes", "seconds"):
        whole = int(value) if float(value).is_integer() else value
        return number_format(whole, force_grouping=name == "max_bytes")
    return value
