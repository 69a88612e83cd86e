"""Time create_batch plus a full CSV download for a 100,000-contact segment.

Prints links per second, peak RSS growth and the ratio to a bare PyJWT loop
signing the same number of tokens with the same claims, in the same run.
Targets: ratio <= 1.5, peak RSS growth <= 100 MB.

    .venv/bin/python benchmarks/generate.py [--contacts 100000] [--format jwt|short]

``--format short`` downloads short links (PERSONAL_LINKS_TOKEN_FORMAT); the
baseline stays the bare PyJWT loop, so both formats meet the same target.
"""

from __future__ import annotations

import argparse
import datetime
import time

from _setup import peak_rss_mb, seed, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=["jwt", "short"], default="jwt")
    args = parser.parse_args()
    database = setup_django()

    from django.conf import settings

    settings.PERSONAL_LINKS_TOKEN_FORMAT = args.format

    import jwt

    from home.models import SurveyPage
    from wagtail_personal_links import exports, generation, tokens
    from wagtail_personal_links.models import Segment

    seeded = seed(args.contacts)
    page = SurveyPage.objects.get(slug="customer-survey")
    segment = Segment.objects.get(name="Demo customers")
    expires_at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)

    # Baseline: PyJWT alone, the same claims and header, the same count.
    kid, key = tokens.signing_keys()[0]
    claims = {"sub": "AbCdEfGhIjKl", "exp": int(expires_at.timestamp())}

    def bare_signing() -> None:
        for _ in range(args.contacts):
            jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid, "typ": None})

    def generate_and_download() -> float:
        started = time.perf_counter()
        batch = generation.create_batch(
            page, segment.get_contacts(), expires_at=expires_at, target_label=segment.name
        )
        created = time.perf_counter() - started
        with open("/dev/null", "w") as sink:
            sink.writelines(exports.csv_lines(exports.link_rows(batch)))
        return created

    rss_before = peak_rss_mb()
    # Best of a few runs of each, interleaved, as timeit does: the least disturbed run.
    bare_runs, total_runs, created_runs = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        bare_signing()
        bare_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        created_runs.append(generate_and_download())
        total_runs.append(time.perf_counter() - started)
    growth = peak_rss_mb() - rss_before
    bare, total, created = min(bare_runs), min(total_runs), min(created_runs)

    print(f"database:                {database}")
    print(f"token format:            {args.format}")
    print(f"contacts seeded:         {args.contacts:,} in {seeded:.1f} s")
    print(f"create_batch:            {created:.2f} s")
    print(f"create_batch + CSV:      {total:.2f} s  ({args.contacts / total:,.0f} links/s)")
    print(f"bare PyJWT signing:      {bare:.2f} s  ({args.contacts / bare:,.0f} tokens/s)")
    print(f"ratio to bare signing:   {total / bare:.2f}  (target <= 1.5; best of {args.repeat})")
    print(f"peak RSS growth:         {growth:.1f} MB  (target <= 100 MB)")


if __name__ == "__main__":
    main()
