"""Where webhooks may be sent: the rules against sending signed events, or probing
requests, somewhere they must not go (server-side request forgery).

- The address is ``https``; plain ``http`` only where private addresses are allowed
  (``COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES``: development, or a receiver on the
  provider's own network), since a signature protects the body's integrity but not its
  confidentiality.
- The host must be a public address. Loopback, private, link-local (cloud metadata at
  169.254.169.254), shared, reserved and multicast addresses are refused unless the
  setting allows them. Registration checks a literal address or ``localhost``; each
  delivery resolves the name again and checks every address it resolves to, so a name
  that points inside later is caught too.
- No user name or password in the address: it would be shown in the console.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500


class TargetRefused(ValueError):
    """The address is not one webhooks may be sent to; the message says why."""


def check_url(url: str, *, allow_private: bool) -> str:
    """``url`` tidied (spaces trimmed) if an endpoint may have it; ``TargetRefused`` if not."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"Use an address of at most {MAX_URL_LENGTH} characters.")
    # Spaces and control characters (NUL included) are no part of a valid address;
    # urlsplit would keep most of them in the path, and the database could not store NUL.
    if not url.isprintable() or " " in url:
        raise TargetRefused("This is not a valid address.")
    try:
        parts = urlsplit(url)
        _validated_port = parts.port  # raises ValueError for a port out of range
    except ValueError:
        raise TargetRefused("This is not a valid address.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused("Give a full address starting with https://.")
    if parts.scheme == "http" and not allow_private:
        raise TargetRefused("Use https: deliveries carry learner records.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Leave the user name and password out of the address.")
    if parts.fragment:
        raise TargetRefused("Leave the #fragment out of the address.")
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        _check_address(ipaddress.ip_address("127.0.0.1"), host, allow_private)
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return url  # a name: resolved and checked at every delivery
        _check_address(address, host, allow_private)
    return url


def check_resolved(url: str, *, allow_private: bool) -> None:
    """Resolve the address's host now and refuse it if any address it resolves to is
    not allowed (``TargetRefused``), or if it does not resolve."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"{host} does not resolve ({exc})") from None
    for *_rest, sockaddr in found:
        _check_address(ipaddress.ip_address(sockaddr[0].split("%")[0]), host, allow_private)


def _check_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, host: str, allow_private: bool
) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if allow_private or address.is_global:
        return
    raise TargetRefused(
        f"{host} is a private, loopback or reserved address ({address}); webhooks go to "
        "public addresses only (see COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES)."
    )
