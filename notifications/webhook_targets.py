"""Which addresses the platform may POST webhooks to (no SSRF, GB/T 22239-2019 8.1.3.2 /
8.1.4.4: the platform must not be turned into a probe of its own network).

A department's callback URL is checked when it is registered and again before every attempt,
after DNS resolution, and the connection goes to the address that was checked (see
`webhooks._post`): a name that resolved to a public address at registration and to
127.0.0.1 later (DNS rebinding) is refused at send time.

- Loopback (127.0.0.0/8, ::1, the name "localhost"), link-local (169.254.0.0/16, fe80::/10,
  where the clouds' metadata services live), the well-known metadata addresses and names,
  unspecified, multicast and reserved addresses: always refused. Loopback only when
  WEBHOOK_ALLOW_LOOPBACK is on, which the test suite and local development use; never in
  production.
- Other non-public addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 …): only
  inside WEBHOOK_ALLOWED_PRIVATE_CIDRS, the district intranet's ranges (empty by default).
- Public addresses: allowed.
- IPv4 inside IPv6 (::ffff:a.b.c.d, 64:ff9b::/96 NAT64, 6to4, Teredo) is judged as the IPv4.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The metadata services of the clouds a district may rent from: AWS/GCP/Azure/OpenStack
# (169.254.169.254, AWS's IPv6 fd00:ec2::254, ECS task metadata 169.254.170.2), Alibaba Cloud
# (100.100.100.200), Tencent Cloud (metadata.tencentyun.com → 169.254.0.23), Azure's
# wireserver (168.63.129.16), Oracle (192.0.0.192).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.0.23",
        "100.100.100.200",
        "168.63.129.16",
        "192.0.0.192",
        "fd00:ec2::254",
    )
)
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.tencentyun.com",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TargetRefused(Exception):
    """The host is not one the platform may call; the message is for people (Chinese)."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    address: str  # the checked address to connect to


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


def _allowed_private_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    configured = getattr(settings, "WEBHOOK_ALLOWED_PRIVATE_CIDRS", ()) or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return [ipaddress.ip_network(str(cidr).strip(), strict=False) for cidr in configured if cidr]


def address_refusal(address: IPAddress) -> str | None:
    """Why the platform may not call `address`, or None if it may."""
    address = _embedded_ipv4(address)
    shown = str(address)
    if address in METADATA_ADDRESSES:
        return _("%(address)s is a cloud metadata address.") % {"address": shown}
    if address.is_loopback:
        if getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False):
            return None
        return _("%(address)s is this server itself (a loopback address).") % {"address": shown}
    if address.is_link_local:
        return _("%(address)s is a link-local address.") % {"address": shown}
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return _("%(address)s is not an address the platform calls.") % {"address": shown}
    if address.is_global:
        return None
    if any(address in network for network in _allowed_private_networks()):
        return None
    return _(
        "%(address)s is a private network address outside the intranet ranges the platform "
        "may call; ask the platform administrator."
    ) % {"address": shown}


def _name_refusal(host: str) -> str | None:
    name = host.rstrip(".").lower()
    if name in METADATA_NAMES:
        return _("%(host)s is a cloud metadata service.") % {"host": host}
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        if getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False):
            return None
        return _("%(host)s is this server itself.") % {"host": host}
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal gives itself); OSError if none."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"{host} resolves to no address")
    return addresses


def target_check(url: str, *, unresolved_ok: bool = False) -> Target | None:
    """The checked connection target of `url`, or TargetRefused.

    Every address the name resolves to must be allowed (an attacker's DNS could hand out a
    forbidden one next time). `unresolved_ok`: at registration a name that does not resolve
    yet is accepted (None) — the send-time check is the one that guards; at send time it is a
    failed attempt (OSError), retried like a refused connection.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    refusal = _name_refusal(host)
    if refusal:
        raise TargetRefused(refusal)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        if unresolved_ok:
            return None
        raise
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise TargetRefused(refusal)
    return Target(host=host, port=port, address=str(addresses[0]))
