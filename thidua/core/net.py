"""The client's network address, for sign-in throttling.

X-Forwarded-For is written by whoever sends the request, so it is believed only when the request
arrives from a reverse proxy listed in settings.TRUSTED_PROXIES. Then the header is read from the
right (the hop the proxy itself appended) and the first address that is not a trusted proxy is the
client. With no trusted proxy configured (the default) the client is REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)


def parse_address(value: str) -> IPAddress | None:
    """An address from a header hop: "203.0.113.7", "203.0.113.7:5443", "[2001:db8::1]:443"."""
    value = (value or "").strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: IPAddress | None, networks) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_address(request) -> str:
    remote_raw = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    remote = parse_address(remote_raw)
    if not networks or not _trusted(remote, networks):
        return str(remote) if remote is not None else (remote_raw or "unknown")
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    client = remote
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # Anything left of an unreadable hop was written by nobody we trust.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
