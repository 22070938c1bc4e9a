"""Agent identity: Ed25519 agent keys, key stores, proof of possession, WIMSE workload tokens
and DPoP-bound checks.

    agent = client.agents.create("research-bot")          # key pair made here, public PEM sent
    credentials = AgentCredentials(client, agent.id)       # WIMSE token via proof of possession
    client.actions.check(agent.id, "web_search", request_options={"credentials": credentials})
    ATIGuard(client, agent.id, credentials=credentials)    # every guarded check carries them

The crypto is `cryptography`'s Ed25519 (keys, PEM, signatures). A DPoP proof is a compact JWS
with one fixed header and a flat payload, which `cryptography` signs directly: the SDK only
mints JWS and never parses a foreign one, so a JOSE library would add a dependency without
taking any risky work off our hands. Private keys never leave a key pair object except through
`export_private_pem()` (for key stores): repr, str, pickling and pydantic serialization show the
public half or `[redacted]` only; tokens and proofs are never logged or put in an error."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic_core import core_schema

from . import _facts
from . import _operations as _ops
from .exceptions import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler

    from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient
    from .types import WimseToken

__all__ = [
    "AgentCredentials",
    "AgentKeyPair",
    "FileKeyStore",
    "KeyNotFoundError",
    "KeyStore",
    "KeychainKeyStore",
    "KeychainUnavailableError",
    "MemoryKeyStore",
    "mint_dpop_proof",
    "pop_message",
    "sign_pop",
]

log = logging.getLogger("agenttrustid")
REDACTED = "[redacted]"


class KeyNotFoundError(ValidationError):
    """The key store has no key pair for the agent (VALIDATION_ERROR, `details["agent_id"]`)."""


class KeychainUnavailableError(ConfigurationError):
    """The OS keychain cannot be used: the optional `keyring` package is not installed, or its
    backend failed (VALIDATION_ERROR)."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _invalid(message: str, field: str) -> ValidationError:
    return ValidationError("VALIDATION_ERROR", message, details={"field": field})


class AgentKeyPair:
    """An agent's Ed25519 key pair. Shows (repr, str, pickling refused, pydantic dumps) only its
    public half: the private key leaves the object through `export_private_pem()` alone."""

    __slots__ = ("__private", "public_key_pem")

    public_key_pem: str
    """The public half as an SPKI PEM (`-----BEGIN PUBLIC KEY-----`), what the gateway registers."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        if not isinstance(private_key, Ed25519PrivateKey):
            raise _invalid("an agent key must be an Ed25519 private key", "private_key")
        self.__private = private_key
        self.public_key_pem = (
            private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )

    @classmethod
    def generate(cls) -> AgentKeyPair:
        """A new random key pair."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_pem(cls, pem: str | bytes) -> AgentKeyPair:
        """The key pair of a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, unencrypted)."""
        data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            # cryptography's message never quotes the key, but ours need not depend on that.
            raise _invalid("not an unencrypted PKCS#8 PEM private key", "private_key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise _invalid("an agent key must be an Ed25519 private key", "private_key")
        return cls(key)

    def export_private_pem(self) -> str:
        """The private half as a PKCS#8 PEM, for a key store. Never send, log or print it."""
        return self.__private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        """The Ed25519 signature of `data` (64 bytes)."""
        return self.__private.sign(data)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.__private.public_key()

    def public_jwk(self) -> dict[str, str]:
        """The public half as a JWK (RFC 8037): `{"kty": "OKP", "crv": "Ed25519", "x": ...}`."""
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}

    def thumbprint(self) -> str:
        """The RFC 7638 JWK thumbprint (SHA-256, base64url): a key-bound token's `cnf.jkt`."""
        jwk = self.public_jwk()
        canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"))
        return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())

    def __repr__(self) -> str:
        return f"AgentKeyPair(public_key_pem={self.public_key_pem!r}, private_key={REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AgentKeyPair) and other.public_key_pem == self.public_key_pem

    def __hash__(self) -> int:
        return hash(self.public_key_pem)

    def __reduce_ex__(self, protocol: Any) -> Any:
        raise TypeError("AgentKeyPair cannot be pickled (it holds a private key): use a key store")

    def __copy__(self) -> AgentKeyPair:
        return self  # immutable

    def __deepcopy__(self, memo: Any) -> AgentKeyPair:
        return self

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # In a user's pydantic model, a key pair dumps as its public half only.
        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda pair: {"public_key": pair.public_key_pem, "private_key": REDACTED}
            ),
        )


def _check_pair(key_pair: Any) -> AgentKeyPair:
    if not isinstance(key_pair, AgentKeyPair):
        raise _invalid("key_pair must be an AgentKeyPair", "key_pair")
    return key_pair


# --- key stores ----------------------------------------------------------------------------


@runtime_checkable
class KeyStore(Protocol):
    """Where agent key pairs live, by agent id. The client's default is a `MemoryKeyStore`."""

    def get(self, agent_id: str) -> AgentKeyPair | None: ...

    def put(self, agent_id: str, key_pair: AgentKeyPair) -> None: ...

    def delete(self, agent_id: str) -> None: ...


def _check_agent_id(agent_id: Any) -> str:
    if not isinstance(agent_id, str) or not agent_id:
        raise _invalid("agent_id must be a non-empty string", "agent_id")
    return agent_id


class MemoryKeyStore:
    """Key pairs in this process's memory (lost when it ends). Thread-safe."""

    def __init__(self) -> None:
        self._pairs: dict[str, AgentKeyPair] = {}
        self._lock = threading.Lock()

    def get(self, agent_id: str) -> AgentKeyPair | None:
        with self._lock:
            return self._pairs.get(_check_agent_id(agent_id))

    def put(self, agent_id: str, key_pair: AgentKeyPair) -> None:
        _check_pair(key_pair)
        with self._lock:
            self._pairs[_check_agent_id(agent_id)] = key_pair

    def delete(self, agent_id: str) -> None:
        with self._lock:
            self._pairs.pop(_check_agent_id(agent_id), None)

    def __repr__(self) -> str:
        return f"MemoryKeyStore(<{len(self._pairs)} agents>)"

    def __getstate__(self) -> Any:
        raise TypeError("MemoryKeyStore cannot be pickled (it holds private keys)")


# A file name on every OS: no separators, no leading dot (hidden files, "." and "..").
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")


class FileKeyStore:
    """One PKCS#8 PEM file per agent (`<agent_id>.pem`) in `directory`, for servers and CI: files
    are 0600, a directory the store creates 0700, writes atomic (a temporary file renamed over
    the old one). Agent ids that are not safe file names are refused (VALIDATION_ERROR)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        if not self.directory.exists():
            self.directory.mkdir(mode=0o700, parents=True)
            os.chmod(self.directory, 0o700)  # mkdir's mode is reduced by the umask
        elif not self.directory.is_dir():
            raise ConfigurationError(
                "VALIDATION_ERROR", "FileKeyStore needs a directory", details={"field": "directory"}
            )

    def _path(self, agent_id: str) -> Path:
        if not isinstance(agent_id, str) or not _SAFE_NAME.fullmatch(agent_id):
            raise _invalid(
                "agent_id is not a safe file name for FileKeyStore (letters, digits, '_', '.', '-';"
                " not starting with '.' or '-'; at most 200 characters)",
                "agent_id",
            )
        return self.directory / f"{agent_id}.pem"

    def get(self, agent_id: str) -> AgentKeyPair | None:
        path = self._path(agent_id)
        try:
            pem = path.read_bytes()
        except FileNotFoundError:
            return None
        return AgentKeyPair.from_private_pem(pem)

    def put(self, agent_id: str, key_pair: AgentKeyPair) -> None:
        path = self._path(agent_id)
        data = _check_pair(key_pair).export_private_pem().encode("ascii")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".pem")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, agent_id: str) -> None:
        self._path(agent_id).unlink(missing_ok=True)

    def __repr__(self) -> str:
        return f"FileKeyStore({str(self.directory)!r})"


class KeychainKeyStore:
    """Key pairs in the OS keychain (service `agenttrust-id`, one entry per agent id), through
    the optional `keyring` package: `pip install 'agenttrustid[keychain]'`. Without it,
    constructing the store raises `KeychainUnavailableError`; the rest of the SDK never needs it."""

    def __init__(self, service: str | None = None) -> None:
        try:
            import keyring
        except ImportError:
            raise KeychainUnavailableError(
                "VALIDATION_ERROR",
                "KeychainKeyStore needs the optional dependency 'keyring': pip install 'agenttrustid[keychain]'",
                details={"field": "keyring"},
            ) from None
        self.service = service or _facts.KEYCHAIN_SERVICE
        self._keyring = keyring

    def _call(self, what: str, fn: Any, *args: str) -> Any:
        try:
            return fn(self.service, *args)
        except Exception as e:
            # The backend's type only: its text could quote what was being stored.
            raise KeychainUnavailableError(
                "VALIDATION_ERROR",
                f"the OS keychain failed to {what} a key ({type(e).__name__})",
                details={"field": "keyring", "cause": type(e).__name__},
            ) from None

    def get(self, agent_id: str) -> AgentKeyPair | None:
        pem = self._call("read", self._keyring.get_password, _check_agent_id(agent_id))
        return None if pem is None else AgentKeyPair.from_private_pem(pem)

    def put(self, agent_id: str, key_pair: AgentKeyPair) -> None:
        pem = _check_pair(key_pair).export_private_pem()
        self._call("store", self._keyring.set_password, _check_agent_id(agent_id), pem)

    def delete(self, agent_id: str) -> None:
        # Read first: backends raise on deleting a missing entry, and deleting one is no error here.
        if self._call("read", self._keyring.get_password, _check_agent_id(agent_id)) is not None:
            self._call("delete", self._keyring.delete_password, agent_id)

    def __repr__(self) -> str:
        return f"KeychainKeyStore(service={self.service!r})"


# --- proof of possession -------------------------------------------------------------------


def pop_message(nonce: str, agent_id: str, audience: Sequence[str], ts: int) -> bytes:
    """The bytes a proof of possession signs: `pop-v1:<nonce>:<agent_id>:<audience,...>:<ts>`."""
    return _facts.POP_MESSAGE.format(
        nonce=nonce, agent_id=agent_id, audience=",".join(audience), ts=ts
    ).encode("utf-8")


def sign_pop(key_pair: AgentKeyPair, nonce: str, agent_id: str, audience: Sequence[str], ts: int) -> str:
    """The proof's `signature`: Ed25519 over `pop_message(...)`, base64url without padding."""
    return _b64url(_check_pair(key_pair).sign(pop_message(nonce, agent_id, audience, ts)))


def _find_key(store: KeyStore, agent_id: str) -> AgentKeyPair:
    pair = store.get(agent_id)
    if pair is None:
        raise KeyNotFoundError(
            "VALIDATION_ERROR",
            f"no key pair for agent {agent_id!r} in the key store (create the agent with this client,"
            " or put its key in the store)",
            details={"field": "agent_id", "agent_id": agent_id},
        )
    return pair


def _audience(audience: Sequence[str] | str | None) -> list[str]:
    values = [audience] if isinstance(audience, str) else list(audience or ())
    if not all(isinstance(a, str) and a for a in values):
        raise _invalid("audience must be non-empty strings", "audience")
    return values


def _issue_body(
    agent_id: str,
    audience: list[str],
    proof: dict[str, Any],
    ttl_seconds: int | None,
    service_name: str | None,
    environment: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"agent_id": agent_id, "proof": proof}
    if audience:
        body["audience"] = audience
    for name, value in (
        ("ttl_seconds", ttl_seconds),
        ("service_name", service_name),
        ("environment", environment),
    ):
        if value is not None:
            body[name] = value
    return body


def _proof(pair: AgentKeyPair, nonce: str, agent_id: str, audience: list[str]) -> dict[str, Any]:
    ts = int(time.time())
    return {"nonce": nonce, "ts": ts, "signature": sign_pop(pair, nonce, agent_id, audience, ts)}


class WimseProof:
    """`client.wimse.issue_token_with_proof` (a base of the generated `Wimse` resource)."""

    _client: SyncAPIClient

    def issue_token_with_proof(
        self,
        agent_id: str,
        *,
        audience: Sequence[str] | str | None = None,
        ttl_seconds: int | None = None,
        service_name: str | None = None,
        environment: str | None = None,
        key_store: KeyStore | None = None,
        request_options: RequestOptions | None = None,
    ) -> WimseToken:
        """A WIMSE token bound to the agent's key: a challenge nonce, signed with the agent's
        private key from `key_store` (default: the client's), sent with `issue_token`.

        Raises:
            KeyNotFoundError: the store has no key for the agent.
            AgentTrustError: a subclass per failure of either call.
        """
        _check_agent_id(agent_id)
        pair = _find_key(key_store if key_store is not None else self._client.key_store, agent_id)
        wanted = _audience(audience)
        challenge = self._client._request(
            _ops.CREATE_AGENT_CHALLENGE, path_params={"agent_id": agent_id}, body={}, options=request_options
        )
        proof = _proof(pair, challenge.nonce, agent_id, wanted)
        body = _issue_body(agent_id, wanted, proof, ttl_seconds, service_name, environment)
        return self._client._request(_ops.ISSUE_WIMSE_TOKEN, body=body, options=request_options)


class AsyncWimseProof:
    """`client.wimse.issue_token_with_proof` of the async client."""

    _client: AsyncAPIClient

    async def issue_token_with_proof(
        self,
        agent_id: str,
        *,
        audience: Sequence[str] | str | None = None,
        ttl_seconds: int | None = None,
        service_name: str | None = None,
        environment: str | None = None,
        key_store: KeyStore | None = None,
        request_options: RequestOptions | None = None,
    ) -> WimseToken:
        """As the sync client's `issue_token_with_proof`."""
        _check_agent_id(agent_id)
        pair = _find_key(key_store if key_store is not None else self._client.key_store, agent_id)
        wanted = _audience(audience)
        challenge = await self._client._request(
            _ops.CREATE_AGENT_CHALLENGE, path_params={"agent_id": agent_id}, body={}, options=request_options
        )
        proof = _proof(pair, challenge.nonce, agent_id, wanted)
        body = _issue_body(agent_id, wanted, proof, ttl_seconds, service_name, environment)
        return await self._client._request(_ops.ISSUE_WIMSE_TOKEN, body=body, options=request_options)


# --- DPoP ------------------------------------------------------------------------------------


def _htu(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def mint_dpop_proof(
    key_pair: AgentKeyPair,
    htm: str,
    htu: str,
    access_token: str | None = None,
    *,
    iat: int | None = None,
    jti: str | None = None,
) -> str:
    """A DPoP proof (RFC 9449): a compact JWS signed with the agent key, header
    `{"typ": "dpop+jwt", "alg": "EdDSA", "jwk": <public key>}`, payload `htm`, `htu` (without
    query and fragment), `iat` (now, unix seconds), `jti` (16 random bytes, hex) and, with an
    access token, `ath` (base64url SHA-256 of it). One proof per request: a gateway refuses a
    `jti` it has seen."""
    pair = _check_pair(key_pair)
    if not isinstance(htm, str) or not htm:
        raise _invalid("htm must be an HTTP method", "htm")
    if not isinstance(htu, str) or not htu.startswith(("http://", "https://")):
        raise _invalid("htu must be an http:// or https:// URL", "htu")
    header = {"typ": _facts.DPOP_TYP, "alg": _facts.DPOP_ALG, "jwk": pair.public_jwk()}
    payload: dict[str, Any] = {
        "htm": htm.upper(),
        "htu": _htu(htu),
        "iat": int(time.time()) if iat is None else iat,
        "jti": jti or secrets.token_hex(16),
    }
    if access_token is not None:
        if not isinstance(access_token, str) or not access_token.isascii():
            raise _invalid("access_token must be ASCII text (a JWT)", "access_token")
        payload["ath"] = _b64url(hashlib.sha256(access_token.encode("ascii")).digest())
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode("utf-8")) for part in (header, payload)
    )
    return f"{signing_input}.{_b64url(pair.sign(signing_input.encode('ascii')))}"


# --- credentials ---------------------------------------------------------------------------


def _renew_at(token: WimseToken) -> float:
    """When a token is renewed (unix seconds): `CREDENTIALS_REFRESH_BEFORE_MS` before it expires;
    an `expires_at` without a usable time counts as now + `CREDENTIALS_FALLBACK_TTL_MS`."""
    expires = token.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    try:
        at = expires.timestamp()
    except (OverflowError, OSError, ValueError):
        at = time.time() + _facts.CREDENTIALS_FALLBACK_TTL_MS / 1000
    return at - _facts.CREDENTIALS_REFRESH_BEFORE_MS / 1000


class AgentCredentials:
    """An agent's proof-carrying credentials for checks, with the sync or the async client: a
    WIMSE token bound to the agent key (`issue_token_with_proof`), cached and renewed when less
    than a minute is left, and a fresh DPoP proof per request.

        credentials = AgentCredentials(client, agent.id)
        client.actions.check(agent.id, "web_search", request_options={"credentials": credentials})

    Renewal is single-flight: concurrent checks (threads, or tasks of the async client) wait for
    one token rather than each issuing one. A check answered 401 is retried once with a new
    token (one revoked or expired early). The token is never shown by repr or logged.

    Args:
        client: An `AgentTrustClient` (use `headers`) or `AsyncAgentTrustClient` (`aheaders`).
        agent_id: The agent; its key pair must be in `key_store`.
        audience: The token's audience (default: none).
        ttl_seconds: The token's lifetime (default: the gateway's).
        key_store: Where the agent key is (default: the client's `key_store`).
    """

    def __init__(
        self,
        client: SyncAPIClient | AsyncAPIClient,
        agent_id: str,
        *,
        audience: Sequence[str] | str | None = None,
        ttl_seconds: int | None = None,
        key_store: KeyStore | None = None,
    ) -> None:
        if not hasattr(client, "key_store") or not hasattr(client, "_request"):
            raise _invalid("AgentCredentials needs an AgentTrustClient or AsyncAgentTrustClient", "client")
        self._client = client
        self.agent_id = _check_agent_id(agent_id)
        self.audience = _audience(audience)
        if ttl_seconds is not None and (
            not isinstance(ttl_seconds, int) or isinstance(ttl_seconds, bool) or ttl_seconds <= 0
        ):
            raise _invalid("ttl_seconds must be a positive integer", "ttl_seconds")
        self.ttl_seconds = ttl_seconds
        self._key_store = key_store
        self.__token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()
        self._async_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @property
    def key_store(self) -> KeyStore:
        return self._key_store if self._key_store is not None else self._client.key_store

    def key_pair(self) -> AgentKeyPair:
        """The agent's key pair from the key store (KeyNotFoundError when it has none)."""
        return _find_key(self.key_store, self.agent_id)

    def invalidate(self) -> None:
        """Forgets the cached token: the next request gets a new one."""
        with self._lock:
            self.__token = None
            self._renew_at = 0.0

    def _cached(self) -> str | None:
        token = self.__token
        return token if token is not None and time.time() < self._renew_at else None

    def _keep(self, issued: WimseToken) -> str:
        self.__token = issued.token
        self._renew_at = _renew_at(issued)
        log.debug("issued a WIMSE token for agent %s", self.agent_id)
        return issued.token

    def _issue_options(self) -> dict[str, Any]:
        return {"audience": self.audience, "ttl_seconds": self.ttl_seconds, "key_store": self.key_store}

    def token(self) -> str:
        """The current WIMSE token (sync client), issued or renewed when needed."""
        client = self._client
        wimse = getattr(client, "wimse", None)
        if not isinstance(wimse, WimseProof):
            raise _invalid(
                "these AgentCredentials belong to an async client: use aheaders()/atoken()", "client"
            )
        token = self._cached()
        if token is not None:
            return token
        with self._lock:
            token = self._cached()
            if token is not None:
                return token
            return self._keep(wimse.issue_token_with_proof(self.agent_id, **self._issue_options()))

    async def atoken(self) -> str:
        """The current WIMSE token (async client), issued or renewed when needed."""
        wimse = getattr(self._client, "wimse", None)
        if not isinstance(wimse, AsyncWimseProof):
            raise _invalid("these AgentCredentials belong to a sync client: use headers()/token()", "client")
        token = self._cached()
        if token is not None:
            return token
        async with self._loop_lock():
            token = self._cached()
            if token is not None:
                return token
            return self._keep(await wimse.issue_token_with_proof(self.agent_id, **self._issue_options()))

    def _loop_lock(self) -> asyncio.Lock:
        # An asyncio.Lock belongs to one event loop; a credentials object may outlive its loop.
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._async_lock is None or self._async_lock[0] is not loop:
                self._async_lock = (loop, asyncio.Lock())
            return self._async_lock[1]

    def headers(self, method: str, url: str) -> dict[str, str]:
        """`Authorization: Bearer <token>` and a fresh `DPoP` proof for one request (sync client)."""
        token = self.token()
        return {
            "Authorization": f"Bearer {token}",
            "DPoP": mint_dpop_proof(self.key_pair(), method, url, token),
        }

    async def aheaders(self, method: str, url: str) -> dict[str, str]:
        """`Authorization: Bearer <token>` and a fresh `DPoP` proof for one request (async client)."""
        token = await self.atoken()
        return {
            "Authorization": f"Bearer {token}",
            "DPoP": mint_dpop_proof(self.key_pair(), method, url, token),
        }

    def __repr__(self) -> str:
        state = "cached" if self.__token is not None else "none"
        return f"AgentCredentials(agent_id={self.agent_id!r}, token=<{state}>)"

    def __getstate__(self) -> Any:
        raise TypeError("AgentCredentials cannot be pickled (it holds a token and a client)")


def credential_headers_sync(credentials: Any, method: str, url: str) -> Mapping[str, str]:
    """The HTTP core's hook: the credentials' headers for one attempt (sync client)."""
    if not isinstance(credentials, AgentCredentials):
        raise _invalid("request_options['credentials'] must be AgentCredentials", "credentials")
    return credentials.headers(method, url)


async def credential_headers_async(credentials: Any, method: str, url: str) -> Mapping[str, str]:
    """The HTTP core's hook: the credentials' headers for one attempt (async client)."""
    if not isinstance(credentials, AgentCredentials):
        raise _invalid("request_options['credentials'] must be AgentCredentials", "credentials")
    return await credentials.aheaders(method, url)
