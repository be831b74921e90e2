#!/usr/bin/env python3
"""Re-check an Earful prize draw from its public record. Standard library only.

    python3 verify_draw.py https://earful.example/d/<id>/draw.json [--code YOUR-ENTRY-CODE]
    python3 verify_draw.py draw.json

Checks, in order: the revealed seed matches the commitment published before the draw; the
entry digest matches the published entries; the final seed is sha256(seed:beacon_value); the
winner is entries[int(sha256(final_seed:digest), 16) mod len(entries)]. With --code, also
checks that your entry is in the list (sha256(salt:code)). Exit status 0 when all hold.
"""

import hashlib
import json
import sys
import urllib.request


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as reply:
            return json.load(reply)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def verify(record, code=None):
    """A list of (check, passed) pairs."""
    entries = record["entries"]
    checks = [
        ("the seed matches the commitment", sha256(record["seed"]) == record["seed_commitment"]),
        ("the entries match their digest", sha256("\n".join(entries)) == record["entries_digest"]),
        ("the entries are sorted", entries == sorted(entries)),
    ]
    final = sha256(record["seed"] + ":" + record["beacon_value"])
    checks.append(("the final seed is sha256(seed:beacon_value)", final == record["final_seed"]))
    index = int(sha256(final + ":" + record["entries_digest"]), 16) % len(entries)
    checks.append(("the winner is the drawn entry", entries[index] == record["winner_hash"]))
    if code:
        mine = sha256(record["salt"] + ":" + code)
        checks.append(("your entry is in the list", mine in entries))
        checks.append(("your entry won", mine == record["winner_hash"]))
    return checks


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    code = argv[argv.index("--code") + 1] if "--code" in argv else None
    record = load(argv[1])
    if record.get("state") != "drawn":
        print("not drawn yet: the seed is revealed after the draw")
        return 1
    checks = verify(record, code)
    for name, passed in checks:
        print(("ok    " if passed else "FAIL  ") + name)
    winner_checks = checks[:5]
    ok = all(passed for _, passed in winner_checks)
    print(f"winner: {record['winner_hash']} of {len(record['entries'])} entries")
    print("VERIFIED" if ok else "NOT VERIFIED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
