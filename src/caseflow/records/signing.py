"""Ed25519 keys and signatures (the ``cryptography`` library), for checkpoints.

The private key lives in a file outside the database (PKCS #8 PEM, its path from
settings); whoever holds the database alone cannot sign. The public key (PEM) is
what an auditor needs to verify, and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from caseflow.errors import ErrorCode, InvalidInput, NotFound


@dataclass(frozen=True)
class PublicKey:
    """A public key and what identifies it in reports and checkpoints."""

    key: Ed25519PublicKey

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the SHA-256 of the raw key: short enough to compare by eye."""
        raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def verifies(self, message: str, signature: str) -> bool:
        """Whether ``signature`` (base64) is this key's over ``message`` (UTF-8)."""
        try:
            raw = base64.b64decode(signature, validate=True)
            self.key.verify(raw, message.encode("utf-8"))
        except (InvalidSignature, ValueError):
            return False
        return True


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_of(key: Ed25519PrivateKey) -> PublicKey:
    return PublicKey(key.public_key())


def sign(key: Ed25519PrivateKey, message: str) -> str:
    """The base64 Ed25519 signature of ``message`` (UTF-8)."""
    return base64.b64encode(key.sign(message.encode("utf-8"))).decode("ascii")


def public_path(key_file: Path) -> Path:
    """Where keygen writes the public key: beside the private one, ``.pub`` added."""
    return key_file.with_name(key_file.name + ".pub")


def write_new_key(key_file: Path) -> PublicKey:
    """Make a key pair: the private key at ``key_file`` (readable by its owner only), the
    public key beside it. Refuses to overwrite a key: checkpoints signed with it would
    no longer verify against a new one."""
    if key_file.exists():
        raise InvalidInput(
            f"{key_file} already exists; a new key would leave the checkpoints signed with "
            "it unverifiable. Move it away first if you really mean to replace it",
            path=str(key_file),
        )
    key = generate()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(private_pem(key))
    public = public_of(key)
    public_path(key_file).write_text(public.pem, encoding="ascii")
    return public


def load_private(key_file: Path) -> Ed25519PrivateKey:
    try:
        data = key_file.read_bytes()
    except FileNotFoundError:
        raise NotFound(
            f"no signing key at {key_file}; make one with `caseflow records keygen`, or set "
            "CASEFLOW_RECORDS_KEY_FILE to where it is",
            code=ErrorCode.NO_SIGNING_KEY,
            path=str(key_file),
        ) from None
    except OSError as exc:
        raise InvalidInput(
            f"{key_file}: cannot be read ({exc.strerror})", path=str(key_file)
        ) from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(
            f"{key_file} is not an unencrypted PEM private key ({exc})", path=str(key_file)
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{key_file} holds a key that is not Ed25519", path=str(key_file))
    return key


def parse_public(data: bytes, where: str) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{where} is not a PEM public key ({exc})", path=where) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{where} holds a key that is not Ed25519", path=where)
    return PublicKey(key)


def load_public(path: Path) -> PublicKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(
            f"no public key at {path}; give the auditors' copy of the public key "
            "(`caseflow records keygen` printed it and wrote it beside the private key)",
            code=ErrorCode.NO_PUBLIC_KEY,
            path=str(path),
        ) from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})", path=str(path)) from exc
    return parse_public(data, str(path))
