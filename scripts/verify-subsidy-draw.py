#!/usr/bin/env python3
"""Re-runs a published subsidy selection (baeum-subsidy-draw/1) on its own, with nothing but the
Python standard library: anyone with the JSON the hub publishes can check the result.

    python3 scripts/verify-subsidy-draw.py gm-2026-selection.json

1. The entrant digest is SHA-256 over one line per entrant, `receipt,1` (born in the first-taken
   year) or `receipt,0`, in 접수번호 order.
2. Every first-taken entrant is selected in 접수번호 order; the places left go to the other
   entrants with the smallest tickets, ticket = sha256(seed + ":" + receipt) in hex. When the
   first-taken entrants alone outnumber the places, the draw is held among them instead.
"""
import hashlib
import json
import sys
import time


def ticket(seed, receipt):
    return hashlib.sha256(f"{seed}:{receipt}".encode()).hexdigest()


def select(seed, places, entrants):
    first = sorted(e["receipt"] for e in entrants if e["first_taken"])
    rest = [e["receipt"] for e in entrants if not e["first_taken"]]

    def by_ticket(group, n):
        return [r for _, r in sorted((ticket(seed, r), r) for r in group)[:n]]

    if len(first) >= places:
        return by_ticket(first, places)
    return first + by_ticket(rest, places - len(first))


def digest(entrants):
    lines = sorted((e["receipt"], e["first_taken"]) for e in entrants)
    return hashlib.sha256("".join(f"{r},{1 if f else 0}\n" for r, f in lines).encode()).hexdigest()


def main(path):
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    started = time.perf_counter()
    if record["algorithm"] != "baeum-subsidy-draw/1":
        print(f"알 수 없는 추첨 방식입니다: {record['algorithm']}", file=sys.stderr)
        return 1
    if digest(record["entrants"]) != record["entrants_sha256"]:
        print("신청자 목록의 해시가 기록과 다릅니다", file=sys.stderr)
        return 1
    again = select(record["seed"], record["places"], record["entrants"])
    took = time.perf_counter() - started
    if again != record["selected"]:
        print("다시 추첨한 선정자가 기록과 다릅니다", file=sys.stderr)
        return 1
    print(f"같습니다: 신청 {len(record['entrants'])}명, 선정 {len(again)}명 ({took * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
