# Independent generator of tests/vectors/signed_payloads.json, written with Python's
# base64 and the "cryptography" package rather than the C++ under test.
# Run from the repository root: python3 scripts/gen-signed-payload-vectors.py > tests/vectors/signed_payloads.json
import base64, json, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")  # RFC 8032 7.1 test 1
WRONG_SEED = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")  # RFC 8032 test 2
CONTEXT = b"SLS login challenge"
sk = Ed25519PrivateKey.from_private_bytes(SEED)
raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
pk = sk.public_key().public_bytes(*raw)
wrong_pk = Ed25519PrivateKey.from_private_bytes(WRONG_SEED).public_key().public_bytes(*raw)
assert pk.hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
assert wrong_pk.hex() == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

def b32(b): return base64.b32encode(b).decode().rstrip("=")

def body(tx, chal_int, exp, origin_bytes, version=1, origin_len=None):
    n = len(origin_bytes) if origin_len is None else origin_len
    return bytes([version]) + tx + chal_int.to_bytes(3, "big") + struct.pack(">q", exp) + bytes([n]) + origin_bytes

def signed(b):
    return b + sk.sign(CONTEXT + b)

def text_of(blob): return "SLS1." + b32(blob)

valid_specs = [
    ("typical login", bytes(range(16)), "042917", "https://login.example.com", 1767225600, 1767225300),
    ("all-zero challenge, loopback with port", b"\xff" * 16, "000000", "http://127.0.0.1:8443", 1, 0),
    ("largest challenge, 200-byte origin", bytes.fromhex("a5" * 16), "999999",
     "https://" + "a" * 63 + "." + "b" * 63 + "." + "c" * 62 + ".d", 253402300799, 253402300798),
    ("IPv4 host with port", bytes.fromhex("0123456789abcdeffedcba9876543210"), "123456", "https://192.0.2.10:8443", 4102444800, 1767225600),
    ("localhost for development", bytes.fromhex("00" * 15 + "01"), "500000", "http://localhost:3000", 2000000000, 1999999999),
    ("single-label host, punycode-style labels", bytes.fromhex("11" * 16), "000001", "https://xn--fiqs8s.example-bank.com", 1767225600, 1700000000),
]
valid = []
for name, tx, chal, origin, exp, now in valid_specs:
    assert len(origin) <= 200
    blob = signed(body(tx, int(chal), exp, origin.encode()))
    valid.append({"name": name,
                  "payload": {"tx_id_hex": tx.hex(), "challenge": chal, "origin": origin, "expires_at": exp},
                  "text": text_of(blob), "now": now})
assert len(valid_specs[2][3]) == 200
assert len(valid[2]["text"]) == 474

base = valid[0]
tx0, chal0, origin0, exp0, now0 = bytes(range(16)), 42917, b"https://login.example.com", 1767225600, 1767225300
good_blob = signed(body(tx0, chal0, exp0, origin0))
good = text_of(good_blob)
assert good == base["text"]

invalid = []
def bad(name, text, error, reason=None, now=now0, key=None):
    e = {"name": name, "text": text, "now": now, "error": error}
    if reason is not None: e["reason"] = reason
    if key is not None: e["public_key_hex"] = key
    invalid.append(e)

M = "payload.malformed"
bad("empty text", "", M, "bad prefix")
bad("lower-case prefix", "sls1." + good[5:], M, "bad prefix")
bad("other prefix", "SLS2." + good[5:], M, "bad prefix")
bad("prefix without dot", "SLS1" + good[5:], M, "bad prefix")
bad("leading space", " " + good, M, "bad prefix")
bad("longer than any valid text", "SLS1." + "A" * 470, M, "too long")
bad("lower-case Base32", good[:5] + good[5:].lower(), M, "bad base32")
bad("padding kept", good + "=" * ((8 - (len(good) - 5) % 8) % 8 or 8), M, "bad base32")
bad("digit 1 is not Base32", good[:10] + "1" + good[11:], M, "bad base32")
bad("trailing newline", good + "\n", M, "bad base32")
# impossible lengths: remainder 1, 3 or 6 characters mod 8
for extra in range(1, 8):
    t = good + "A" * extra
    if (len(t) - 5) % 8 in (1, 3, 6):
        bad("impossible Base32 length (+%d)" % extra, t, M, "bad base32"); break
# non-zero spare bits in the last character
blen = len(good_blob) * 8
spare = (5 - blen % 5) % 5
assert spare > 0
last = base64.b32decode("AAAAAAA=")  # placeholder to keep import use
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
lastv = alphabet.index(good[-1])
bad("non-zero spare bits", good[:-1] + alphabet[lastv | 1], M, "bad base32")
bad("prefix only", "SLS1.", M, "truncated")
bad("version byte only", "SLS1." + b32(b"\x01"), M, "truncated")
bad("header cut in the middle", "SLS1." + b32(good_blob[:20]), M, "truncated")
bad("signature cut short", "SLS1." + b32(good_blob[:-5]), M, "truncated")
bad("signature missing", "SLS1." + b32(good_blob[:-64]), M, "truncated")
bad("trailing bytes", "SLS1." + b32(good_blob + b"\x00" * 5), M, "trailing bytes")
bad("unknown version 2", text_of(signed(body(tx0, chal0, exp0, origin0, version=2))), "payload.bad_version")
bad("unknown version 0", text_of(signed(body(tx0, chal0, exp0, origin0, version=0))), "payload.bad_version")
bad("version 2 alone", "SLS1." + b32(b"\x02"), "payload.bad_version")
bad("challenge 1000000", text_of(signed(body(tx0, 1000000, exp0, origin0))), M, "bad challenge")
bad("challenge 0xFFFFFF", text_of(signed(body(tx0, 0xFFFFFF, exp0, origin0))), M, "bad challenge")
bad("expiry zero", text_of(signed(body(tx0, chal0, 0, origin0))), M, "bad expiry")
bad("expiry negative", text_of(signed(body(tx0, chal0, -1, origin0))), M, "bad expiry")

bad_origins = [
    "", "login.example.com", "https://", "https://Login.example.com", "https://login.example.com/",
    "https://login.example.com/login", "https://login.example.com?x=1", "https://login.example.com#top",
    "https://user@login.example.com", "ftp://login.example.com", "HTTPS://login.example.com",
    "http://login.example.com", "http://127.0.0.2", "http://localhost:80", "https://login.example.com:443",
    "https://login.example.com:0", "https://login.example.com:65536", "https://login.example.com:08443",
    "https://login.example.com:", "https://login.example.com.", "https://.example.com", "https://a..b",
    "https://-a.example.com", "https://a-.example.com", "https://login_1.example.com", "https://" + "a" * 64 + ".com",
    "https://1.2.3", "https://256.1.1.1", "https://01.2.3.4", "https://example.123", "https://[::1]",
    "https://login.example.com :8443", "https://logín.example.com", "https://login.example.com\x00",
    "https://" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + ".d",  # 201 bytes
]
for o in bad_origins:
    ob = o.encode()
    if len(ob) > 255: continue
    # Longer than 200 bytes: the text is longer than any valid one.
    bad("origin %r" % o, text_of(signed(body(tx0, chal0, exp0, ob))), M, "bad origin" if len(ob) <= 200 else "too long")

# tampering and trust
def flip(blob, i, mask=1):
    b = bytearray(blob); b[i] ^= mask; return bytes(b)
bad("tampered challenge (042917 -> 042916)", text_of(flip(good_blob, 19)), "payload.bad_signature")
bad("tampered origin (.com -> .con)", text_of(flip(good_blob, 29 + len(origin0) - 1, ord("m") ^ ord("n"))), "payload.bad_signature")
bad("tampered transaction id", text_of(flip(good_blob, 1)), "payload.bad_signature")
bad("tampered expiry (one day later)", text_of(body(tx0, chal0, exp0 + 86400, origin0) + good_blob[-64:]), "payload.bad_signature")
bad("tampered signature", text_of(flip(good_blob, len(good_blob) - 64)), "payload.bad_signature")
bad("signature without the context", text_of(body(tx0, chal0, exp0, origin0) + sk.sign(body(tx0, chal0, exp0, origin0))), "payload.bad_signature")
bad("wrong public key", good, "payload.bad_signature", key=wrong_pk.hex())
bad("expired: now equals expires_at", good, "payload.expired", now=exp0)
bad("expired: one hour late", good, "payload.expired", now=exp0 + 3600)
bad("bad signature is reported before expiry", text_of(flip(good_blob, len(good_blob) - 1)), "payload.bad_signature", now=exp0 + 3600)

good_origins = ["https://login.example.com", "https://a", "https://localhost", "https://login.example.com:8443",
                "https://192.0.2.10", "https://0.0.0.0:1", "https://255.255.255.255:65535", "http://127.0.0.1",
                "http://localhost", "http://localhost:8080", "https://xn--fiqs8s.example-bank.com",
                "https://a-b.c-d.e1", "https://123abc.example", "https://" + "a" * 63 + ".com",
                valid_specs[2][3]]

encode_invalid = [
    {"name": "5-digit challenge", "payload": {"challenge": "12345"}, "error": M, "reason": "bad challenge"},
    {"name": "7-digit challenge", "payload": {"challenge": "1234567"}, "error": M, "reason": "bad challenge"},
    {"name": "letter in challenge", "payload": {"challenge": "12345a"}, "error": M, "reason": "bad challenge"},
    {"name": "full-width digits in challenge", "payload": {"challenge": "１２３４５６"}, "error": M, "reason": "bad challenge"},
    {"name": "expiry zero", "payload": {"expires_at": 0}, "error": M, "reason": "bad expiry"},
    {"name": "expiry negative", "payload": {"expires_at": -5}, "error": M, "reason": "bad expiry"},
    {"name": "origin with path", "payload": {"origin": "https://login.example.com/"}, "error": M, "reason": "bad origin"},
    {"name": "plain http to a public host", "payload": {"origin": "http://login.example.com"}, "error": M, "reason": "bad origin"},
    {"name": "201-byte origin", "payload": {"origin": bad_origins[-1]}, "error": M, "reason": "bad origin"},
]

doc = {
    "description": "Signed challenge payloads for the login QR code (SPEC 3.2). Generated by an independent implementation; the C++ and WASM builds must reproduce every 'text' exactly from 'payload' and the key, and reject every entry of 'invalid' with its 'error' (and, for payload.malformed, its 'reason' as the error's only argument).",
    "format": {
        "text": "prefix + Base32(blob)",
        "prefix": "SLS1.",
        "base32": "RFC 4648 alphabet A-Z 2-7, upper-case, no '=' padding, spare bits zero",
        "blob": [
            {"offset": 0, "size": 1, "field": "version", "value": 1},
            {"offset": 1, "size": 16, "field": "tx_id"},
            {"offset": 17, "size": 3, "field": "challenge", "encoding": "big-endian unsigned integer 0..999999, shown as 6 digits"},
            {"offset": 20, "size": 8, "field": "expires_at", "encoding": "big-endian signed unix seconds, > 0"},
            {"offset": 28, "size": 1, "field": "origin_length", "encoding": "n, 1..200"},
            {"offset": 29, "size": "n", "field": "origin", "encoding": "ASCII canonical origin"},
            {"offset": "29+n", "size": 64, "field": "signature", "encoding": "Ed25519 over signature_context || blob[0, 29+n)"},
        ],
        "signature_context": "SLS login challenge",
        "valid_while": "now < expires_at",
        "check_order": "prefix, length, base32, version, layout, fields; then signature; then expiry",
    },
    "keys": {
        "seed_hex": SEED.hex(),
        "public_key_hex": pk.hex(),
        "secret_key_hex": (SEED + pk).hex(),
        "wrong_public_key_hex": wrong_pk.hex(),
        "note": "seed and public keys are RFC 8032 section 7.1 tests 1 and 2; secret_key_hex is libsodium's layout (seed then public key)",
    },
    "valid": valid,
    "invalid": invalid,
    "encode_invalid": {"base_payload": valid[0]["payload"], "cases": encode_invalid},
    "origins": {"valid": good_origins, "invalid": [o for o in bad_origins if len(o.encode()) <= 255]},
}
print(json.dumps(doc, indent=2, ensure_ascii=False))
